package chdb

import (
	"strings"
	"testing"
)

func TestBindingQueryInsertAndErrors(t *testing.T) {
	c := testConn(t)
	if _, err := c.Query("CREATE DATABASE IF NOT EXISTS bindtest", "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query("CREATE TABLE IF NOT EXISTS bindtest.t (a UInt32, s String) ENGINE = MergeTree ORDER BY a", "", nil); err != nil {
		t.Fatal(err)
	}
	chunks := [][]byte{[]byte("{\"a\":1,\"s\":\"x\\u0000y\"}\n{\"a\":2,"), []byte("\"s\":\"dua\"}\n")}
	i := 0
	n, err := c.Insert("INSERT INTO bindtest.t (a, s)", "JSONEachRow", func() []byte {
		if i == len(chunks) {
			return nil
		}
		i++
		return chunks[i-1]
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("rows written = %d, want 2", n)
	}
	res, err := c.Query("SELECT a, length(s) FROM bindtest.t WHERE a >= {min:UInt32} ORDER BY a", "TSV", map[string]string{"min": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Data); got != "1\t3\n2\t3\n" {
		t.Fatalf("got %q", got)
	}
	_, err = c.Query("SELECT * FROM bindtest.nope", "TSV", nil)
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("want error naming the table, got %v", err)
	}
	// A bad chunk fails the insert and commits nothing.
	_, err = c.Insert("INSERT INTO bindtest.t (a, s)", "JSONEachRow", func() []byte {
		if i == 99 {
			return nil
		}
		i = 99
		return []byte("{\"a\":\"not a number\"}\n")
	})
	if err == nil {
		t.Fatal("want an error for a malformed row")
	}
	res, err = c.Query("SELECT count() FROM bindtest.t", "TSV", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Data) != "2\n" {
		t.Fatalf("count = %q", res.Data)
	}
}
