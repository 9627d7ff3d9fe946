package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/door"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/web"
)

var userCommand = &command{
	name:    "user",
	args:    "add NAMA --role admin|analis|pimpinan | list",
	summary: "mengelola akun aplikasi web: menambah atau mengubah pengguna, melihat daftarnya",
	about: `user add membuat akun (atau mengganti kata sandi dan peran akun yang ada) untuk aplikasi web.
Kata sandi dibaca dari stdin (baris pertama), atau ditanyakan dua kali bila stdin adalah terminal;
minimal 10 karakter, disimpan sebagai hash argon2id. Peran: admin (semua, termasuk kirim laporan
dan audit), analis (membaca dan mengoreksi label), pimpinan (hanya membaca). Mengubah akun
mengakhiri sesi akun itu yang sedang masuk. user list menampilkan akun dan perannya.
Selama pantau run berjalan pada --data yang sama, perintah ini berjalan lewat proses itu.`,
	scope: config.ScopeStore,
	examples: []string{
		"pantau user add sari --role analis",
		"printf '%s\\n' \"$SANDI\" | pantau user add kadis --role pimpinan",
		"pantau user list",
	},
	new: func() runner { return &userCmd{} },
}

type userCmd struct {
	role    string
	disable bool
}

func (c *userCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.role, "role", "", "peran: admin, analis atau pimpinan")
	fs.BoolVar(&c.disable, "disable", false, "nonaktifkan akun (tidak dapat masuk lagi)")
}

var userName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (c *userCmd) run(env *Env, args []string) error {
	if len(args) == 0 {
		return usageError{"pakai: pantau user add NAMA --role admin|analis|pimpinan, atau pantau user list"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	switch args[0] {
	case "list":
		return c.list(ctx, env)
	case "add":
	default:
		return usageError{fmt.Sprintf("subperintah %q tidak dikenal: add atau list", args[0])}
	}
	if len(args) != 2 || !userName.MatchString(args[1]) {
		return usageError{"pakai: pantau user add NAMA --role admin|analis|pimpinan (nama: huruf, angka, titik, garis bawah, tanda hubung)"}
	}
	name := args[1]
	if !store.ValidRole(c.role) {
		return usageError{fmt.Sprintf("--role %q: pilih admin, analis atau pimpinan", c.role)}
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	if len(pw) < web.MinPasswordLength {
		return usageError{fmt.Sprintf("kata sandi minimal %d karakter", web.MinPasswordLength)}
	}
	by := os.Getenv("USER")
	if by == "" {
		by = "cli"
	}
	b, err := openShared(ctx, env, env.Log, true) // cli/door.go
	if err != nil {
		return err
	}
	defer b.Close()
	if dc, ok := throughDoor(ctx, env, b); ok {
		hash, herr := web.HashPassword(pw)
		if herr != nil {
			return herr
		}
		err = dc.PutUser(ctx, door.User{Name: name, Role: c.role, PasswordHash: hash, Disabled: c.disable, By: by})
	} else {
		err = web.AddUser(ctx, b, name, c.role, pw, by, c.disable)
	}
	if err != nil {
		return err
	}
	state := ""
	if c.disable {
		state = " (nonaktif)"
	}
	fmt.Fprintf(env.Stdout, "pengguna %s tersimpan dengan peran %s%s; masuk di aplikasi web (pantau run, api-addr)\n", name, c.role, state)
	return nil
}

// readPassword reads the new password: asked twice on a terminal, else
// the first line of stdin.
func readPassword(env *Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, "Kata sandi: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(env.Stderr, "Ulangi kata sandi: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", usageError{"kedua kata sandi tidak sama"}
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(env.Stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{"kata sandi dibaca dari stdin (baris pertama) dan tidak boleh kosong"}
	}
	return pw, nil
}

func (c *userCmd) list(ctx context.Context, env *Env) error {
	b, err := openShared(ctx, env, env.Log, true)
	if err != nil {
		return err
	}
	defer b.Close()
	var us []store.User
	if dc, ok := throughDoor(ctx, env, b); ok {
		us, err = dc.Users(ctx) // the endpoint does not read the users table
	} else {
		us, err = store.Users(ctx, b)
	}
	if err != nil {
		return err
	}
	if len(us) == 0 {
		fmt.Fprintln(env.Stdout, "Belum ada pengguna. Tambahkan: pantau user add NAMA --role admin")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMA\tPERAN\tSTATUS\tDIUBAH")
	for _, u := range us {
		state := "aktif"
		if u.Disabled {
			state = "nonaktif"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, indonesian.Stamp(u.UpdatedAt.In(news.WITA)))
	}
	return tw.Flush()
}
