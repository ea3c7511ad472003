// Package pgtest gives tests a throwaway PostgreSQL server.
//
// The first call to DSN in a test binary starts a cluster of its own:
// initdb and pg_ctl from PATH or /usr/lib/postgresql/*/bin, the data in a
// temporary folder, listening only on 127.0.0.1 on a free port and on a
// unix socket in that folder, with fsync on. Main stops it and removes the
// folder when the tests end; a cluster left behind by a test binary that
// was killed is removed by the next one to start.
//
// initdb refuses to run as root, so when the tests run as root (as in CI)
// the server runs as the postgres system user (Debian's package creates
// it), through runuser.
//
// Without the binaries (or, as root, without the postgres user) the tests
// that need a server are skipped, unless ANTIPERSONA_REQUIRE_POSTGRES=1:
// then they fail.
//
// Use:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.DSN(t)           // a database shared by the binary's tests
//		ws := pgtest.NewWorkspace(t)   // a workspace name no other test uses
//		...
//	}
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the variable that turns a missing PostgreSQL from a
// skip into a failure.
const RequireEnv = "ANTIPERSONA_REQUIRE_POSTGRES"

// database is the database DSN points to.
const database = "antipersona_test"

var (
	mainCalled atomic.Bool
	startOnce  sync.Once
	running    *cluster
	startErr   error
	unavailErr error // set when the binaries or the user are missing
	counter    atomic.Int64
)

// Main runs the tests and then stops the cluster, if one was started,
// and exits with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if running != nil {
		if err := running.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// DSN returns the connection string of a database of the test binary's
// cluster, starting the cluster on first use. The database is shared by
// the binary's tests: give each its own workspace (NewWorkspace) or
// database (NewDatabase).
func DSN(t testing.TB) string {
	t.Helper()
	c := start(t)
	return c.dsn(database)
}

// NewDatabase creates an empty database for the test, dropped when the
// test ends, and returns its connection string. Connections to it must be
// closed by then (cleanups run last-registered first).
func NewDatabase(t testing.TB) string {
	t.Helper()
	c := start(t)
	name := fmt.Sprintf("%s_%d", database, counter.Add(1))
	ctx := context.Background()
	if err := c.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := c.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.dsn(name)
}

var notName = regexp.MustCompile(`[^a-z0-9]+`)

// NewWorkspace returns a workspace name (lower-case letters, digits and
// underscores, at most 40 characters) that no other test of the binary
// uses, made from the test's name.
func NewWorkspace(t testing.TB) string {
	t.Helper()
	n := strconv.FormatInt(counter.Add(1), 10)
	base := strings.Trim(notName.ReplaceAllString(strings.ToLower(t.Name()), "_"), "_")
	if max := 40 - len(n) - 2; len(base) > max {
		base = base[len(base)-max:]
	}
	return "t" + n + "_" + base
}

// start starts the cluster once, skipping or failing t when it cannot.
func start(t testing.TB) *cluster {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: the package's TestMain must call pgtest.Main(m)")
	}
	startOnce.Do(func() { running, startErr = startCluster() })
	if unavailErr != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("pgtest: PostgreSQL is required (%s=1) but unavailable: %v", RequireEnv, unavailErr)
		}
		t.Skipf("pgtest: PostgreSQL unavailable: %v", unavailErr)
	}
	if startErr != nil {
		t.Fatalf("pgtest: start PostgreSQL: %v", startErr)
	}
	return running
}

// cluster is a running throwaway cluster.
type cluster struct {
	dir     string // owns everything: data, socket, log
	bin     string // folder of initdb, pg_ctl, postgres
	port    int
	runAs   *user.User // nil: the current user
	adminMu sync.Mutex
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// exec runs one statement in the postgres database.
func (c *cluster) exec(ctx context.Context, sql string) error {
	c.adminMu.Lock()
	defer c.adminMu.Unlock()
	conn, err := pgx.Connect(ctx, c.dsn("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// command runs a PostgreSQL binary, as the postgres user when runAs is set.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.runAs != nil {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs.Username, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir // the postgres user may not enter the test's folder
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	return cmd
}

func (c *cluster) run(name string, args ...string) error {
	out, err := c.command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out)
	}
	return nil
}

// findBin returns the folder of initdb and pg_ctl: PATH first, then the
// newest /usr/lib/postgresql/<version>/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dirs[i])), 64)
		vj, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dirs[j])), 64)
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("initdb and pg_ctl not found in PATH or /usr/lib/postgresql/*/bin")
}

const dirPrefix = "antipersona-pgtest-"

// startCluster makes and starts a cluster; it sets unavailErr when
// PostgreSQL is not installed.
func startCluster() (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		unavailErr = err
		return nil, nil
	}
	c := &cluster{bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			unavailErr = fmt.Errorf("running as root, and no postgres user to run the server as: %w", err)
			return nil, nil
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			unavailErr = fmt.Errorf("running as root, and no runuser to run the server as postgres: %w", err)
			return nil, nil
		}
		c.runAs = u
	}
	removeStale()
	if c.dir, err = os.MkdirTemp("", dirPrefix); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.stop()
		}
	}()
	// The owner's PID, for removeStale.
	if err := os.WriteFile(filepath.Join(c.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	if c.runAs != nil {
		uid, _ := strconv.Atoi(c.runAs.Uid)
		gid, _ := strconv.Atoi(c.runAs.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return nil, err
		}
	}
	// The data is thrown away, so initdb need not sync its files; the
	// server itself runs with fsync on.
	if err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories='%s' -c fsync=on -c synchronous_commit=on -c full_page_writes=on",
			c.port, c.dir)
		err = c.run("pg_ctl", "start", "-w", "-t", "60", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-o", opts)
		if err == nil {
			break
		}
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		if attempt < 3 && strings.Contains(string(log), "could not bind") {
			continue // another process took the port
		}
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, log)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.exec(ctx, "CREATE DATABASE "+database); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	ok = true
	return c, nil
}

// stop stops the server (if it runs) and removes the folder.
func (c *cluster) stop() error {
	var err error
	if _, serr := os.Stat(filepath.Join(c.data(), "postmaster.pid")); serr == nil {
		err = c.run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", c.data())
	}
	if rerr := os.RemoveAll(c.dir); err == nil && rerr != nil {
		err = rerr
	}
	return err
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// removeStale stops and removes the clusters of test binaries that died
// without stopping theirs (killed by a timeout, say).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "owner.pid"))
		if err != nil {
			continue // being made, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) == nil || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			continue // the owner lives (or cannot be told)
		}
		c := &cluster{dir: dir}
		if bin, err := findBin(); err == nil {
			c.bin = bin
		}
		if os.Geteuid() == 0 {
			c.runAs, _ = user.Lookup("postgres")
		}
		if _, err := os.Stat(filepath.Join(c.data(), "postmaster.pid")); err == nil {
			c.run("pg_ctl", "stop", "-w", "-t", "30", "-m", "immediate", "-D", c.data())
		}
		os.RemoveAll(dir)
	}
}
