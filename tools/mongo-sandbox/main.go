// Command mongo-sandbox embeds FerretDB (SQLite storage) so tests and the
// sandbox get a real MongoDB-wire server without installing MongoDB.
//
// It prints exactly one line, the MongoDB URI, once the listener is bound,
// and exits 0 on SIGINT/SIGTERM after FerretDB has closed its backend.
// With -exit-on-stdin-eof it also shuts down when its stdin closes: a parent
// that holds the pipe's other end cannot die (even by SIGKILL) without
// closing it, so the sandbox never outlives the process that started it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "", "existing directory for the SQLite files (required)")
	addr := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	watchStdin := flag.Bool("exit-on-stdin-eof", false, "shut down when stdin reaches EOF")
	flag.Parse()

	if *dir == "" {
		log.Fatal("mongo-sandbox: -dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatalf("mongo-sandbox: %v", err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		log.Fatalf("mongo-sandbox: -dir %q must be an existing directory", abs)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		// FerretDB sets a 10 s busy timeout; concurrent writers on a loaded
		// 2-core machine can wait longer than that for SQLite's single writer.
		SQLiteURL: "file:" + strings.TrimSuffix(abs, "/") + "/?_pragma=busy_timeout(60000)",
	})
	if err != nil {
		log.Fatalf("mongo-sandbox: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	go indexIDLookups(ctx, abs)

	// MongoDBURI blocks until the listener has an address; calling it before
	// Run would deadlock, hence the goroutine above.
	uri := f.MongoDBURI()
	fmt.Println(uri)
	os.Stdout.Sync()

	select {
	case <-ctx.Done():
	case <-done:
		os.Exit(1)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		log.Print("mongo-sandbox: shutdown timed out")
		os.Exit(1)
	}
}
