package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/diskominfo-kaltim/pantau/store"
)

// Passwords are hashed with argon2id at OWASP's recommended minimum (19 MiB,
// two passes, one lane) and stored in the PHC string format, so that the
// parameters can be raised later without invalidating stored hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

var errBadHash = errors.New("password hash not in argon2id format")

// HashPassword returns the argon2id hash of password in PHC format.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("kata sandi minimal %d karakter", MinPasswordLength)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || t == 0 || p == 0 || mem > 1<<21 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a user does not exist, so that a
// wrong name takes as long as a wrong password. It is computed on first
// use: every pantau command links this package.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("pantau-tanpa-pengguna")
	return h
})

// AddUser stores a user (a new one, or a new password, role or state for
// an existing one, which ends its sessions) with the password hashed, and
// audits it as done by by.
func AddUser(ctx context.Context, b store.Backend, name, role, password, by string, disabled bool) error {
	if !store.ValidRole(role) {
		return fmt.Errorf("peran %q tidak dikenal: admin, analis atau pimpinan", role)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if err := store.PutUser(ctx, b, store.User{Name: name, Role: role, PasswordHash: hash, Disabled: disabled, UpdatedBy: by}); err != nil {
		return err
	}
	return store.Audit(ctx, b, store.AuditEntry{User: by, Action: "tambah pengguna", Target: name, Detail: role, Remote: "cli"})
}
