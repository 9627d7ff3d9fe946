package chtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A ClickHouse cluster on loopback for tests: one ZooKeeper (Debian's
// zookeeper package, run as a plain Java process) and shards × replicas
// clickhouse-server processes (Debian's 18.16) with their own configs,
// data dirs and ports, forming the cluster ClusterName with
// internal_replication (a Distributed insert goes to one replica per
// shard, which replicates it through ZooKeeper).

// ClusterName is the cluster's name in remote_servers.
const ClusterName = "pantau_cluster"

// ZooKeeperSessionTimeout is the servers' ZooKeeper session timeout: a
// killed replica may start again only after its session expired.
const ZooKeeperSessionTimeout = 3 * time.Second

const zkJar = "/usr/share/java/zookeeper.jar"

// Missing names the Debian packages the cluster needs that are not
// installed, or returns "".
func Missing() string {
	var miss []string
	if _, err := exec.LookPath("java"); err != nil {
		miss = append(miss, "java (default-jre-headless, a dependency of zookeeper)")
	}
	if _, err := os.Stat(zkJar); err != nil {
		miss = append(miss, "zookeeper")
	}
	if Binary() == "" {
		miss = append(miss, "clickhouse-server")
	}
	return strings.Join(miss, ", ")
}

// Node is one clickhouse-server of the cluster.
type Node struct {
	Name     string // s1r1, s1r2, ...
	Shard    int
	Replica  int
	TCPAddr  string
	HTTPAddr string
	Dir      string
	bin      string
	cmd      *exec.Cmd
	exited   chan struct{}
}

// Cluster is a running ZooKeeper and its ClickHouse servers.
type Cluster struct {
	ZooKeeper string
	Nodes     []*Node
	zk        *exec.Cmd
}

// DSN is a clickhouse-go DSN for database db on the first node.
func (c *Cluster) DSN(db string) string {
	return "clickhouse://default@" + c.Nodes[0].TCPAddr + "/" + db
}

// Node returns the replica r (from 1) of shard s (from 1).
func (c *Cluster) Node(s, r int) *Node {
	for _, n := range c.Nodes {
		if n.Shard == s && n.Replica == r {
			return n
		}
	}
	return nil
}

const clusterConfig = `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>{dir}/log/server.log</log>
        <errorlog>{dir}/log/error.log</errorlog>
        <console>0</console>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>{tcp}</tcp_port>
    <http_port>{http}</http_port>
    <interserver_http_port>{inter}</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <path>{dir}/data/</path>
    <tmp_path>{dir}/tmp/</tmp_path>
    <user_files_path>{dir}/user_files/</user_files_path>
    <format_schema_path>{dir}/format_schemas/</format_schema_path>
    <users_config>{dir}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>50</max_concurrent_queries>
    <zookeeper>
        <node><host>127.0.0.1</host><port>{zk}</port></node>
        <session_timeout_ms>{session}</session_timeout_ms>
    </zookeeper>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
    <macros>
        <shard>{shard}</shard>
        <replica>{replica}</replica>
    </macros>
    <remote_servers>
        <{cluster}>
{shards}
        </{cluster}>
    </remote_servers>
</yandex>
`

// clusterUsers makes Distributed inserts synchronous: the insert returns
// once every shard's replica has the rows, so the writer acknowledges
// only what is stored (18.16 has no SYSTEM FLUSH DISTRIBUTED).
const clusterUsers = `<?xml version="1.0"?>
<yandex>
    <profiles><default>
        <max_memory_usage>2000000000</max_memory_usage>
        <insert_distributed_sync>1</insert_distributed_sync>
    </default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default></default></quotas>
</yandex>
`

// StartCluster starts ZooKeeper and shards × replicas servers and stops
// them at cleanup. It skips the test when the Debian packages are missing
// (`make deps` installs them), except under CI=true, where it fails.
func StartCluster(t testing.TB, shards, replicas int) *Cluster {
	t.Helper()
	if miss := Missing(); miss != "" {
		msg := "ClickHouse cluster test needs Debian's " + miss + " (make deps installs them: apt-get install zookeeper clickhouse-server)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c := &Cluster{}
	t.Cleanup(c.stop)
	if err := c.startZooKeeper(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	type ports struct{ tcp, http, inter int }
	var ps []ports
	for i := 0; i < shards*replicas; i++ {
		var p ports
		var err error
		for _, dst := range []*int{&p.tcp, &p.http, &p.inter} {
			if *dst, err = freePort(); err != nil {
				t.Fatal(err)
			}
		}
		ps = append(ps, p)
	}
	var topo strings.Builder
	for s := 0; s < shards; s++ {
		topo.WriteString("            <shard><internal_replication>true</internal_replication>\n")
		for r := 0; r < replicas; r++ {
			fmt.Fprintf(&topo, "                <replica><host>127.0.0.1</host><port>%d</port></replica>\n", ps[s*replicas+r].tcp)
		}
		topo.WriteString("            </shard>")
		if s < shards-1 {
			topo.WriteString("\n")
		}
	}
	bin := Binary()
	for s := 1; s <= shards; s++ {
		for r := 1; r <= replicas; r++ {
			p := ps[(s-1)*replicas+r-1]
			n := &Node{Name: fmt.Sprintf("s%dr%d", s, r), Shard: s, Replica: r, bin: bin, Dir: t.TempDir(),
				TCPAddr: fmt.Sprintf("127.0.0.1:%d", p.tcp), HTTPAddr: fmt.Sprintf("127.0.0.1:%d", p.http)}
			for _, d := range []string{"log", "data", "tmp", "user_files", "format_schemas"} {
				if err := os.MkdirAll(filepath.Join(n.Dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cfg := strings.NewReplacer("{dir}", n.Dir, "{tcp}", fmt.Sprint(p.tcp), "{http}", fmt.Sprint(p.http),
				"{inter}", fmt.Sprint(p.inter), "{zk}", portOf(c.ZooKeeper), "{session}", fmt.Sprint(ZooKeeperSessionTimeout.Milliseconds()),
				"{shard}", fmt.Sprint(s), "{replica}", n.Name, "{cluster}", ClusterName, "{shards}", topo.String()).Replace(clusterConfig)
			if err := os.WriteFile(filepath.Join(n.Dir, "config.xml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(n.Dir, "users.xml"), []byte(clusterUsers), 0o644); err != nil {
				t.Fatal(err)
			}
			c.Nodes = append(c.Nodes, n)
		}
	}
	for _, n := range c.Nodes {
		if err := n.launch(); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range c.Nodes {
		if err := n.WaitReady(60 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// startZooKeeper runs a standalone ZooKeeper and waits until it serves
// (`srvr` says Mode: standalone; `ruok` answers earlier, and 18.16 may
// crash on its first ON CLUSTER statement against a ZooKeeper not yet
// serving).
func (c *Cluster) startZooKeeper(dir string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	cfg := fmt.Sprintf("tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=%s/data\nclientPort=%d\nclientPortAddress=127.0.0.1\n"+
		"admin.enableServer=false\n4lw.commands.whitelist=*\nmaxClientCnxns=0\n", dir, port)
	if err := os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("java", "-Xmx256m", "-Dzookeeper.admin.enableServer=false",
		"-cp", zkJar+":/usr/share/java/slf4j-simple.jar", "org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(dir, "zoo.cfg"))
	out, err := os.Create(filepath.Join(dir, "zookeeper.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting zookeeper: %w", err)
	}
	c.zk = cmd
	c.ZooKeeper = fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if reply, err := fourLetter(c.ZooKeeper, "srvr"); err == nil && strings.Contains(reply, "Mode: standalone") {
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "zookeeper.log"))
			return fmt.Errorf("zookeeper not serving after 60s:\n%s", tail(string(log), 2000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func fourLetter(addr, cmd string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte(cmd)); err != nil {
		return "", err
	}
	b, err := io.ReadAll(bufio.NewReader(conn))
	return string(b), err
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (n *Node) launch() error {
	cmd := exec.Command(n.bin, "--config-file="+filepath.Join(n.Dir, "config.xml"))
	cmd.Dir = n.Dir
	out, err := os.OpenFile(filepath.Join(n.Dir, "log", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", n.Name, err)
	}
	n.cmd = cmd
	n.exited = make(chan struct{})
	go func() { cmd.Wait(); out.Close(); close(n.exited) }()
	return nil
}

// WaitReady waits until the server answers on its HTTP interface.
func (n *Node) WaitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get("http://" + n.HTTPAddr + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-n.exited:
			return fmt.Errorf("%s exited:\n%s", n.Name, n.Log())
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s:\n%s", n.Name, limit, n.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is the end of the server's error log.
func (n *Node) Log() string {
	b, _ := os.ReadFile(filepath.Join(n.Dir, "log", "error.log"))
	s, _ := os.ReadFile(filepath.Join(n.Dir, "log", "stdout.log"))
	return tail(string(b)+string(s), 3000)
}

// Kill stops the server with SIGKILL, as a crash or a power cut would.
func (n *Node) Kill() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGKILL)
	<-n.exited
}

// Restart starts a killed server again on the same data and waits until it
// serves. It waits out the ZooKeeper session of the killed process first:
// a replica whose old session is still alive refuses to start replicating.
func (n *Node) Restart(killedAt time.Time) error {
	if wait := time.Until(killedAt.Add(ZooKeeperSessionTimeout + 500*time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}
	if err := n.launch(); err != nil {
		return err
	}
	return n.WaitReady(60 * time.Second)
}

// Query runs a statement on this node over HTTP and returns its TSV output.
func (n *Node) Query(ctx context.Context, q string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+n.HTTPAddr+"/", strings.NewReader(q))
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", n.Name, strings.TrimSpace(string(b)))
	}
	return strings.TrimSpace(string(b)), nil
}

func (c *Cluster) stop() {
	for _, n := range c.Nodes {
		if n.cmd != nil {
			select {
			case <-n.exited:
			default:
				n.cmd.Process.Signal(syscall.SIGKILL)
				<-n.exited
			}
		}
	}
	if c.zk != nil && c.zk.Process != nil {
		c.zk.Process.Kill()
		c.zk.Wait()
	}
}
