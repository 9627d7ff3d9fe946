package fetch

import (
	"net/netip"
)

// Block is one entry of IANA's special-purpose address registries.
type Block struct {
	Prefix netip.Prefix
	Name   string
	Global bool // "Globally Reachable" in the registry (N/A counts as false)
}

func block(prefix, name string, global bool) Block {
	return Block{Prefix: netip.MustParsePrefix(prefix), Name: name, Global: global}
}

// Special lists the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (iana-ipv4-special-registry, iana-ipv6-special-registry, as of
// 2025-10), with multicast and the IPv6 space outside global unicast
// added. It is the one list every check of the crawler uses.
var Special = []Block{
	// IPv4 (RFC 6890, 8190 and the registry's later entries)
	block("0.0.0.0/8", "this network", false),
	block("0.0.0.0/32", "this host on this network", false),
	block("10.0.0.0/8", "private-use", false),
	block("100.64.0.0/10", "shared address space (carrier-grade NAT; 100.100.100.200 is a cloud metadata address)", false),
	block("127.0.0.0/8", "loopback", false),
	block("169.254.0.0/16", "link local (169.254.169.254 is a cloud metadata address)", false),
	block("172.16.0.0/12", "private-use", false),
	block("192.0.0.0/24", "IETF protocol assignments", false),
	block("192.0.0.0/29", "IPv4 service continuity prefix", false),
	block("192.0.0.8/32", "IPv4 dummy address", false),
	block("192.0.0.9/32", "port control protocol anycast", true),
	block("192.0.0.10/32", "traversal using relays around NAT anycast", true),
	block("192.0.0.170/32", "NAT64/DNS64 discovery", false),
	block("192.0.0.171/32", "NAT64/DNS64 discovery", false),
	block("192.0.2.0/24", "documentation (TEST-NET-1)", false),
	block("192.31.196.0/24", "AS112-v4", true),
	block("192.52.193.0/24", "AMT", true),
	block("192.88.99.0/24", "deprecated 6to4 relay anycast", false),
	block("192.168.0.0/16", "private-use", false),
	block("192.175.48.0/24", "direct delegation AS112 service", true),
	block("198.18.0.0/15", "benchmarking", false),
	block("198.51.100.0/24", "documentation (TEST-NET-2)", false),
	block("203.0.113.0/24", "documentation (TEST-NET-3)", false),
	block("240.0.0.0/4", "reserved", false),
	block("255.255.255.255/32", "limited broadcast", false),
	block("224.0.0.0/4", "multicast", false),

	// IPv6
	block("::1/128", "loopback", false),
	block("::/128", "unspecified", false),
	block("::ffff:0:0/96", "IPv4-mapped", false),
	block("64:ff9b::/96", "IPv4-IPv6 translation (NAT64)", true),
	block("64:ff9b:1::/48", "IPv4-IPv6 translation, local use", false),
	block("100::/64", "discard-only", false),
	block("100:0:0:1::/64", "dummy IPv6 prefix", false),
	block("2001::/23", "IETF protocol assignments", false),
	block("2001::/32", "TEREDO", false),
	block("2001:1::1/128", "port control protocol anycast", true),
	block("2001:1::2/128", "traversal using relays around NAT anycast", true),
	block("2001:1::3/128", "DNS-SD service registration protocol anycast", true),
	block("2001:2::/48", "benchmarking", false),
	block("2001:3::/32", "AMT", true),
	block("2001:4:112::/48", "AS112-v6", true),
	block("2001:10::/28", "deprecated ORCHID", false),
	block("2001:20::/28", "ORCHIDv2", true),
	block("2001:30::/28", "drone remote ID protocol entity tags", true),
	block("2001:db8::/32", "documentation", false),
	block("2002::/16", "6to4", false),
	block("2620:4f:8000::/48", "direct delegation AS112 service", true),
	block("3fff::/20", "documentation", false),
	block("5f00::/16", "segment routing (SRv6) SIDs", false),
	block("fc00::/7", "unique-local", false),
	block("fe80::/10", "link-local unicast", false),
	block("ff00::/8", "multicast", false),
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	unicast6  = netip.MustParsePrefix("2000::/3")
)

// SpecialAddress reports whether a connection to addr must be refused
// unless its host was named as private, and which block says so. Refused:
// an address inside any block that is not globally reachable (also where
// a smaller globally reachable entry sits inside it, such as PCP anycast:
// no outlet is served from those), and IPv6 outside global unicast
// (2000::/3). IPv4 addresses embedded in IPv6 — IPv4-mapped, NAT64
// (64:ff9b::/96) and 6to4 (2002::/16) — are judged as the IPv4 address
// they carry, so 64:ff9b::a9fe:a9fe is 169.254.169.254.
func SpecialAddress(addr netip.Addr) (Block, bool) {
	addr = addr.WithZone("")
	if addr.Is4In6() {
		addr = addr.Unmap()
	}
	if addr.Is6() {
		b := addr.As16()
		switch {
		case nat64.Contains(addr):
			return SpecialAddress(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case sixToFour.Contains(addr):
			if blk, ok := SpecialAddress(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})); ok {
				return blk, true
			}
		}
	}
	if !addr.IsValid() {
		return Block{Name: "invalid address"}, true
	}
	for _, blk := range Special {
		if !blk.Global && blk.Prefix.Contains(addr) {
			if addr.Is6() && blk.Prefix == sixToFour {
				continue // judged by the IPv4 address it carries, above
			}
			return blk, true
		}
	}
	if addr.Is6() && !unicast6.Contains(addr) {
		return Block{Prefix: netip.PrefixFrom(addr, 128), Name: "IPv6 outside global unicast"}, true
	}
	return Block{}, false
}
