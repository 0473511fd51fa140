package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the same SQLite driver FerretDB itself uses
)

// FerretDB v1.24's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"`
// but looks documents up by `_ferretdb_sjson->'$._id'`; SQLite cannot match
// the two expressions, so every update and every find by _id scans the whole
// table (measured: 56 ms per updateOne at 5,000 documents, growing linearly).
// Until FerretDB matches them, the sandbox adds an index on the expression the
// queries use, on every collection table, as tables appear. It only adds an
// index FerretDB does not know about: its metadata and answers are unchanged.
func indexIDLookups(ctx context.Context, dir string) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db, ok := dbs[file]
			if !ok {
				var err error
				db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
				if err != nil {
					log.Printf("mongo-sandbox: %v", err)
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[file] = db
			}
			indexTables(ctx, db)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func indexTables(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, `SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.name != '_ferretdb_collections'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.tbl_name = t.name AND i.name = t.name || '__id_lookup')`)
	if err != nil {
		return // a database being created or dropped: next tick
	}
	var tables []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		quoted := strings.ReplaceAll(table, `"`, `""`)
		stmt := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s__id_lookup" ON "%s" (_ferretdb_sjson->'$._id')`, quoted, quoted)
		_, _ = db.ExecContext(ctx, stmt) // a table dropped meanwhile: nothing to index
	}
}
