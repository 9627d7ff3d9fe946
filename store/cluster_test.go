package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var replicatedRe = regexp.MustCompile(`Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?`)

// TestClusterDDL generates the cluster schema, checks that ClickHouse's
// parser takes every statement, then runs its local-table part (ON CLUSTER
// dropped, replication off) on the single-node engine and compares the
// result with the single-node schema.
func TestClusterDDL(t *testing.T) {
	ctx := context.Background()
	ddl, err := store.ClusterDDL("clus", "pantau_cluster")
	if err != nil {
		t.Fatal(err)
	}
	b, err := chdb.Open(engineDir, "clus")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var sawDistributed, sawReplicated bool
	for _, s := range ddl {
		if !strings.Contains(s, "ON CLUSTER pantau_cluster") && !strings.HasPrefix(s, "INSERT") {
			t.Errorf("statement without ON CLUSTER: %s", s)
		}
		sawDistributed = sawDistributed || strings.Contains(s, "ENGINE = Distributed(pantau_cluster, clus, mentions_local, cityHash64(id))")
		sawReplicated = sawReplicated || strings.Contains(s, "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/clus/mentions_local', '{replica}', ingested_at)")
		if _, err := b.Query(ctx, "EXPLAIN AST "+s, nil); err != nil {
			t.Errorf("does not parse: %v\n%s", err, s)
		}
	}
	if !sawDistributed || !sawReplicated {
		t.Fatalf("sharded mentions missing from the DDL:\n%s", strings.Join(ddl, ";\n"))
	}
	b.Exec(ctx, "DROP DATABASE IF EXISTS clus")
	for _, s := range ddl {
		if strings.Contains(s, "ENGINE = Distributed") || alterOfDistributed(s) {
			continue
		}
		local := strings.ReplaceAll(s, " ON CLUSTER pantau_cluster", "")
		local = replicatedRe.ReplaceAllString(local, "$1(")
		local = strings.ReplaceAll(local, "MergeTree()", "MergeTree")
		if strings.HasPrefix(local, "INSERT INTO clus.mentions ") || strings.HasPrefix(local, "INSERT INTO clus.mention_facts ") {
			continue
		}
		if err := b.Exec(ctx, local); err != nil {
			t.Fatalf("local form fails: %v\n%s", err, local)
		}
	}
	single, err := chdb.Open(engineDir, "clus_single")
	if err != nil {
		t.Fatal(err)
	}
	defer single.Close()
	single.Exec(ctx, "DROP DATABASE IF EXISTS clus_single")
	if _, err := store.Migrate(ctx, single, nil); err != nil {
		t.Fatal(err)
	}
	for table := range store.ShardedTables {
		a, _ := b.Query(ctx, "SELECT name, type FROM system.columns WHERE database = 'clus' AND table = '"+table+"_local' ORDER BY position", nil)
		c, _ := single.Query(ctx, "SELECT name, type FROM system.columns WHERE database = 'clus_single' AND table = '"+table+"' ORDER BY position", nil)
		if len(a.Rows) == 0 || len(a.Rows) != len(c.Rows) {
			t.Fatalf("cluster %s_local has %d columns, single-node %s %d", table, len(a.Rows), table, len(c.Rows))
		}
		for i := range a.Rows {
			if a.Rows[i][0] != c.Rows[i][0] || a.Rows[i][1] != c.Rows[i][1] {
				t.Errorf("%s column %d: cluster %v, single-node %v", table, i, a.Rows[i], c.Rows[i])
			}
		}
	}
	// The view of the local form watches the local table: a row stored
	// on a shard reaches that shard's mention_facts_local.
	if err := b.Exec(ctx, "INSERT INTO clus.mentions_local (id, issue_id, published_at, ingested_at) VALUES ('a1', 'isu-1', now(), now())"); err != nil {
		t.Fatal(err)
	}
	res, err := b.Query(ctx, "SELECT issue_id FROM clus.mention_facts_local WHERE id = 'a1'", nil)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "isu-1" {
		t.Fatalf("view on mentions_local: %v %v", res, err)
	}
}

// alterOfDistributed reports whether s alters the Distributed table of a
// sharded table (the local form has none).
func alterOfDistributed(s string) bool {
	for table := range store.ShardedTables {
		if strings.HasPrefix(s, "ALTER TABLE clus."+table+" ") {
			return true
		}
	}
	return false
}
