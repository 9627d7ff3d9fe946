// Package chtest starts a real ClickHouse server (Debian's
// clickhouse-server) on loopback for tests, with its own config, data dir
// and ports. It is for tests only.
package chtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const serverConfig = `<?xml version="1.0"?>
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
</yandex>
`

const usersConfig = `<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
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

// Server is a running clickhouse-server.
type Server struct {
	TCPAddr string
	Dir     string
	cmd     *exec.Cmd
	bin     string
}

// DSN returns a clickhouse-go DSN for database db.
func (s *Server) DSN(db string) string { return "clickhouse://default@" + s.TCPAddr + "/" + db }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Binary returns the path of clickhouse-server, or "" if not installed.
func Binary() string {
	for _, p := range []string{os.Getenv("PANTAU_CLICKHOUSE_SERVER"), "/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("clickhouse-server"); err == nil {
		return p
	}
	return ""
}

// Start starts a server for the test and stops it at cleanup. It fails the
// test if the server is not installed (`make deps` installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		t.Fatal("clickhouse-server not installed: run `make deps` (apt-get install clickhouse-server)")
	}
	dir := t.TempDir()
	s, err := start(bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func start(bin, dir string) (*Server, error) {
	tcp, err := freePort()
	if err != nil {
		return nil, err
	}
	http, err := freePort()
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"log", "data", "tmp", "user_files", "format_schemas"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	cfg := strings.NewReplacer("{dir}", dir, "{tcp}", fmt.Sprint(tcp), "{http}", fmt.Sprint(http)).Replace(serverConfig)
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(usersConfig), 0o644); err != nil {
		return nil, err
	}
	s := &Server{TCPAddr: fmt.Sprintf("127.0.0.1:%d", tcp), Dir: dir, bin: bin}
	if err := s.launch(); err != nil {
		return nil, err
	}
	return s, nil
}

// launch starts the server process on the config in s.Dir and waits until
// it listens.
func (s *Server) launch() error {
	cmd := exec.Command(s.bin, "--config-file="+filepath.Join(s.Dir, "config.xml"))
	cmd.Dir = s.Dir
	out, err := os.OpenFile(filepath.Join(s.Dir, "log", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	s.cmd = cmd
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", s.TCPAddr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			s.Stop()
			log, _ := os.ReadFile(filepath.Join(s.Dir, "log", "error.log"))
			return fmt.Errorf("clickhouse-server did not listen on %s: %s", s.TCPAddr, log)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Restart starts a stopped server again on the same ports and data, as an
// operator restarts a crashed one. A running server is killed first.
func (s *Server) Restart() error {
	s.Stop()
	return s.launch()
}

// Running reports whether the server process was started and not stopped.
func (s *Server) Running() bool { return s.cmd != nil }

// Stop kills the server and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}
