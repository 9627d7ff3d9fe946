package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

// The deploy files run for real here: each Pantau service of the compose
// file with its own environment (NATS and ClickHouse names pointed at a
// NATS server and Debian's ClickHouse on loopback), each systemd unit as
// deploy/install.sh installs it (config, credentials, ExecStart) under a
// notify socket, and Caddy with the repository's Caddyfile in front of
// the API. What a health check asks must answer.

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startNATS(t *testing.T) string {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoSigs: true, JetStream: true, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats not ready")
	}
	t.Cleanup(s.Shutdown)
	return s.ClientURL()
}

// localSources is a sources file with one outlet on loopback (an empty
// feed), so no test process reaches the internet.
func localSources(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rss.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Uji</title></channel></rss>`)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	p := filepath.Join(t.TempDir(), "sources.yaml")
	y := fmt.Sprintf("- name: Outlet Uji\n  feed: %s/rss.xml\n  region: Kota Samarinda\n  allow_private: true\n", srv.URL)
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// process is a pantau command running as its own process.
type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// baseEnv is what every child gets besides its service's settings.
func baseEnv() []string {
	env := []string{"PANTAU_TEST_AS_BINARY=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"PANTAU_CHDB_LIB", "TMPDIR", "GORACE"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func startPantau(t *testing.T, args []string, env []string) *process {
	t.Helper()
	p := &process{out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(baseEnv(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// stop sends SIGTERM, as systemd and docker do, and expects a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("pantau %v did not stop within 60s of SIGTERM:\n%s", p.cmd.Args[1:], p.out.String())
	}
	if p.err != nil {
		t.Errorf("pantau %v after SIGTERM: %v\n%s", p.cmd.Args[1:], p.err, p.out.String())
	}
}

// waitHealthy asks u until it answers 200, the process exits or 3 minutes pass.
func (p *process) waitHealthy(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := get(ctx, u)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("pantau %v exited (%v) before %s answered:\n%s", p.cmd.Args[1:], p.err, u, p.out.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered: %v\n%s", u, err, p.out.String())
		}
	}
}

var interpRe = regexp.MustCompile(`\$\{(\w+)(?::([?-])([^}]*))?\}`)

// interpolate expands compose's ${VAR}, ${VAR:-default} and ${VAR:?error}.
func interpolate(t *testing.T, s string, vars map[string]string) string {
	return interpRe.ReplaceAllStringFunc(s, func(m string) string {
		g := interpRe.FindStringSubmatch(m)
		if v := vars[g[1]]; v != "" {
			return v
		}
		if g[2] == "?" {
			t.Fatalf("compose needs %s: %s", g[1], g[3])
		}
		return g[3]
	})
}

type deployEnv struct {
	natsURL string
	dsn     string
	secrets string // compose's /run/secrets
	sources string
	token   string
}

func newDeployEnv(t *testing.T) *deployEnv {
	t.Helper()
	ch := chtest.Start(t)
	d := &deployEnv{natsURL: startNATS(t), dsn: ch.DSN("pantau"), secrets: t.TempDir(), sources: localSources(t), token: "token-uji-" + t.Name()}
	for name, v := range map[string]string{"clickhouse_dsn": d.dsn, "api_token": d.token, "smtp_password": "rahasia"} {
		if err := os.WriteFile(filepath.Join(d.secrets, name), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// composeEnv is a service's environment with the compose network's names
// pointed at loopback and every listen address on a free port; ports maps
// the compose port to the one used here.
func (d *deployEnv) composeEnv(t *testing.T, s composeService) (env []string, ports map[string]string) {
	vars := map[string]string{"SMTP_HOST": "127.0.0.1", "REPORT_TO": "kadis@example.go.id"}
	ports = map[string]string{}
	for k, v := range s.Environment {
		v = interpolate(t, v, vars)
		switch {
		case v == "nats://nats:4222":
			v = d.natsURL
		case strings.HasPrefix(v, "/run/secrets/"):
			v = filepath.Join(d.secrets, strings.TrimPrefix(v, "/run/secrets/"))
		case k == "PANTAU_DATA":
			v = t.TempDir()
		case k == "PANTAU_SOURCES":
			v = d.sources
		case strings.HasSuffix(k, "_ADDR"):
			a := freeAddr(t)
			ports[portOf(v)] = portOf(a)
			v = a
		}
		env = append(env, k+"="+v)
	}
	if s.Environment["PANTAU_SOURCES"] == "" {
		env = append(env, "PANTAU_SOURCES="+d.sources)
	}
	return env, ports
}

// TestDeployServesWhatItsHealthChecksAsk runs every Pantau service of the
// compose file as a process with that service's environment, asks its
// health check's URL, and puts Caddy (the repository's Caddyfile) in front
// of the API; then installs the systemd units with deploy/install.sh and
// starts each as systemd would, expecting READY=1 and watchdog pings.
func TestDeployServesWhatItsHealthChecksAsk(t *testing.T) {
	d := newDeployEnv(t)
	services := readCompose(t)

	t.Run("compose", func(t *testing.T) {
		mig := services["migrate"]
		env, _ := d.composeEnv(t, mig)
		p := startPantau(t, mig.Command, env)
		<-p.done
		if p.err != nil {
			t.Fatalf("migrate: %v\n%s", p.err, p.out.String())
		}
		// The services start together, as compose starts them.
		type running struct {
			name  string
			p     *process
			check string
			ports map[string]string
		}
		var all []running
		for _, name := range []string{"crawler", "classifier", "writer", "reporter", "api"} {
			s := services[name]
			u, err := healthURL(s.Healthcheck)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			env, ports := d.composeEnv(t, s)
			all = append(all, running{name, startPantau(t, s.Command, env),
				fmt.Sprintf("http://127.0.0.1:%s%s", ports[u.Port()], u.RequestURI()), ports})
		}
		for _, r := range all {
			r.p.waitHealthy(t, r.check)
			// Prometheus scrapes every Pantau service's metrics port.
			r.p.waitHealthy(t, fmt.Sprintf("http://127.0.0.1:%s/metrics", r.ports["9464"]))
			if r.name == "api" {
				caddyInFront(t, "127.0.0.1:"+r.ports["8080"], d.token)
			}
		}
		for _, r := range all {
			r.p.stop(t)
		}
	})

	t.Run("systemd", func(t *testing.T) {
		single := install(t, "--mode", "single")
		cluster := install(t, "--mode", "cluster", "--nats-url", d.natsURL, "--nats-replicas", "1", "--secrets", d.secrets)
		// The units start together, as at boot.
		var wg sync.WaitGroup
		for _, u := range []struct{ root, name, instance string }{
			{single, "pantau.service", ""},
			{cluster, "pantau-stage@.service", "writer"},
			{cluster, "pantau-api.service", ""},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.Run(strings.TrimSuffix(u.name, ".service")+u.instance, func(t *testing.T) {
					runUnit(t, u.root, u.name, u.instance, d)
					if u.name == "pantau.service" {
						runBackupUnit(t, u.root)
					}
				})
			}()
		}
		wg.Wait()
	})
}

// listenRe finds the listen addresses install.sh writes (options and
// per-stage environment files).
var listenRe = regexp.MustCompile(`(?m)^((?:metrics-addr|api-addr): |PANTAU_\w+_ADDR=)([\d.]+:\d+)`)

// install runs deploy/install.sh under a root directory and points the
// loopback addresses it wrote at free ports.
func install(t *testing.T, args ...string) string {
	t.Helper()
	root := t.TempDir()
	chdb := filepath.Join(t.TempDir(), "libchdb.so")
	os.WriteFile(chdb, []byte("stand-in: the process loads PANTAU_CHDB_LIB"), 0o644)
	args = append([]string{"../deploy/install.sh", "--root", root, "--bin", os.Args[0], "--chdb", chdb}, args...)
	out, err := exec.Command("sh", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh %v: %v\n%s", args, err, out)
	}
	for _, p := range []string{"etc/pantau/secrets", "etc/pantau/secrets/api_token", "etc/pantau/pantau.yaml"} {
		fi, err := os.Stat(filepath.Join(root, p))
		if err != nil {
			t.Fatalf("install.sh did not write %s: %v", p, err)
		}
		if strings.Contains(p, "secrets") && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: secrets must be root-only", p, fi.Mode().Perm())
		}
	}
	files, _ := filepath.Glob(filepath.Join(root, "etc/pantau/*"))
	moved := map[string]string{}
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.IsDir() {
			continue
		}
		data, _ := os.ReadFile(f)
		data = listenRe.ReplaceAllFunc(data, func(m []byte) []byte {
			g := listenRe.FindSubmatch(m)
			if moved[string(g[2])] == "" {
				moved[string(g[2])] = freeAddr(t)
			}
			return append(g[1], moved[string(g[2])]...)
		})
		os.WriteFile(f, data, 0o644)
	}
	return root
}

// runUnit starts a unit's ExecStart the way systemd would: its
// Environment, EnvironmentFile and LoadCredential (as %d), paths under
// root, a notify socket and a 2 s watchdog. It expects READY=1, then
// WATCHDOG=1, then STOPPING=1 and a clean exit on SIGTERM.
func runUnit(t *testing.T, root, name, instance string, d *deployEnv) {
	t.Helper()
	u := readUnit(t, filepath.Join(root, "etc/systemd/system", name))
	verifyUnit(t, u, instance)
	creds := t.TempDir()
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "%i", instance)
		s = strings.ReplaceAll(s, "%d", creds)
		for _, dir := range []string{"/etc/pantau", "/var/lib/pantau"} {
			s = strings.ReplaceAll(s, dir, root+dir)
		}
		return s
	}
	for _, c := range u.get("LoadCredential") {
		id, src, _ := strings.Cut(c, ":")
		data, err := os.ReadFile(expand(src))
		if err != nil {
			t.Fatalf("%s: credential %s: %v (install.sh must write it)", name, id, err)
		}
		os.WriteFile(filepath.Join(creds, id), data, 0o600)
	}
	var env []string
	for _, e := range u.get("Environment") {
		env = append(env, expand(e))
	}
	for _, f := range u.get("EnvironmentFile") {
		optional := strings.HasPrefix(f, "-")
		data, err := os.ReadFile(expand(strings.TrimPrefix(f, "-")))
		if err != nil {
			if !optional {
				t.Fatalf("%s: EnvironmentFile %s: %v", name, f, err)
			}
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
				env = append(env, line)
			}
		}
	}
	argv := strings.Fields(expand(strings.Join(u.get("ExecStart"), " ")))
	for _, dir := range []string{filepath.Join(root, "var/lib/pantau"), filepath.Join(root, "var/lib/pantau-"+instance)} {
		os.MkdirAll(dir, 0o750) // StateDirectory=
	}
	sock, msgs := notifySocket(t)
	env = append(env, "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=2000000", "PANTAU_SOURCES="+d.sources)
	p := startPantau(t, argv[1:], env)
	expect := func(want string, within time.Duration) {
		t.Helper()
		deadline := time.After(within)
		for {
			select {
			case got := <-msgs:
				if got == want {
					return
				}
			case <-p.done:
				// What it sent before exiting is still in the socket.
				for {
					select {
					case got := <-msgs:
						if got == want {
							return
						}
						continue
					case <-time.After(100 * time.Millisecond):
					}
					break
				}
				t.Fatalf("%s exited (%v) before %s:\n%s", name, p.err, want, p.out.String())
			case <-deadline:
				t.Fatalf("%s: no %s within %s:\n%s", name, want, within, p.out.String())
			}
		}
	}
	expect("READY=1", 3*time.Minute)
	expect("WATCHDOG=1", 10*time.Second)
	p.stop(t)
	expect("STOPPING=1", time.Second)
}

// runBackupUnit runs pantau-backup.service's ExecStart and ExecStartPost
// (not the privileged stop and start of pantau.service around them) on
// the data that pantau.service left, and expects one backup.
func runBackupUnit(t *testing.T, root string) {
	t.Helper()
	u := readUnit(t, filepath.Join(root, "etc/systemd/system/pantau-backup.service"))
	verifyUnit(t, u, "")
	if _, err := os.Stat(filepath.Join(root, "etc/systemd/system/pantau-backup.timer")); err != nil {
		t.Fatalf("install.sh did not install the timer: %v", err)
	}
	shell := func(line string) string {
		t.Helper()
		// /bin/sh -c '...': systemd turns $$ into $ and %% into %.
		i, j := strings.Index(line, "'"), strings.LastIndex(line, "'")
		if !strings.HasPrefix(line, "/bin/sh -c '") || j <= i {
			t.Fatalf("unexpected command %q", line)
		}
		cmd := strings.NewReplacer("$$", "$", "%%", "%", "/usr/local/bin/pantau", os.Args[0],
			"/var/lib/pantau", root+"/var/lib/pantau", "/var/backups/pantau", root+"/var/backups/pantau").Replace(line[i+1 : j])
		c := exec.Command("sh", "-c", cmd)
		c.Env = append(baseEnv(), "PANTAU_CONFIG="+root+"/etc/pantau/pantau.yaml")
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		return string(out)
	}
	out := shell(u.get("ExecStart")[0])
	shell(u.get("ExecStartPost")[0])
	manifests, _ := filepath.Glob(filepath.Join(root, "var/backups/pantau/*/MANIFEST.json"))
	if len(manifests) != 1 || !strings.Contains(out, "cadangan") {
		t.Fatalf("backups %v after the backup unit:\n%s", manifests, out)
	}
}

// verifyUnit runs systemd-analyze verify on the unit (with ExecStart
// pointed at an existing binary) when systemd is installed.
func verifyUnit(t *testing.T, u unit, instance string) {
	t.Helper()
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Logf("systemd-analyze not installed: unit syntax not verified")
		return
	}
	data, err := os.ReadFile(u.path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	base := filepath.Base(u.path)
	os.WriteFile(filepath.Join(dir, base), bytes.ReplaceAll(data, []byte("/usr/local/bin/pantau"), []byte(os.Args[0])), 0o644)
	if instance != "" {
		base = strings.Replace(base, "@.", "@"+instance+".", 1)
	}
	out, err := exec.Command(tool, "verify", filepath.Join(dir, base)).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", base, err, out)
	}
}

// notifySocket is systemd's end of sd_notify.
func notifySocket(t *testing.T) (string, <-chan string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch := make(chan string, 256)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			ch <- string(buf[:n])
		}
	}()
	return path, ch
}

// caddyInFront runs Caddy with deploy/caddy/Caddyfile and a certificate
// for localhost in front of the API at upstream, and asks through it.
func caddyInFront(t *testing.T, upstream, token string) {
	t.Helper()
	bin, err := exec.LookPath("caddy")
	if err != nil {
		t.Fatal("caddy not installed: run `make deps` (apt-get install caddy)")
	}
	dir := t.TempDir()
	certPEM, keyPEM, pool := selfSigned(t, "localhost")
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o644)
	os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	https, httpAddr, admin := freeAddr(t), freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "run", "--config", "../deploy/caddy/Caddyfile", "--adapter", "caddyfile")
	cmd.Env = []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir,
		"PANTAU_SITE=localhost", "PANTAU_TLS_CERT=" + filepath.Join(dir, "cert.pem"), "PANTAU_TLS_KEY=" + filepath.Join(dir, "key.pem"),
		"PANTAU_UPSTREAM=" + upstream, "PANTAU_GRAFANA=" + freeAddr(t), "PANTAU_CADDY_ADMIN=" + admin,
		"PANTAU_HTTPS_PORT=" + portOf(https), "PANTAU_HTTP_PORT=" + portOf(httpAddr)}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()

	// The compose health check: Caddy's admin endpoint.
	deadline := time.Now().Add(30 * time.Second)
	for get(context.Background(), "http://"+admin+"/config/") != nil {
		if time.Now().After(deadline) {
			t.Fatalf("caddy admin never answered:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	client := &http.Client{
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+portOf(https))
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	ask := func(path, auth string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "https://localhost:"+portOf(https)+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s through caddy: %v\n%s", path, err, out.String())
		}
		resp.Body.Close()
		return resp
	}
	if r := ask("/api/health", ""); r.StatusCode != http.StatusOK || r.TLS == nil {
		t.Errorf("/api/health through caddy: %s (TLS %v)", r.Status, r.TLS != nil)
	} else if r.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("no HSTS header through caddy")
	}
	if r := ask("/api/issues", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("/api/issues without a token through caddy: %s, want 401", r.Status)
	}
	// The token passes through (the issue list's SQL itself needs a
	// current ClickHouse, not the 18.16 server standing in here).
	if r := ask("/api/issues", token); r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusBadGateway {
		t.Errorf("/api/issues with the token through caddy: %s", r.Status)
	}
	// Plain HTTP only redirects to HTTPS.
	req, _ := http.NewRequest(http.MethodGet, "http://"+httpAddr+"/api/issues", nil)
	req.Host = "localhost"
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || !strings.HasPrefix(loc, "https://") {
		t.Errorf("plain HTTP: %s, Location %q; want a redirect to HTTPS", resp.Status, loc)
	}
}

func selfSigned(t *testing.T, host string) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), pool
}
