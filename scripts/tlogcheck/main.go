// Command tlogcheck checks an Insignia transparency log with Go's golang.org/x/mod/sumdb
// packages, an implementation that is not ours: it verifies the checkpoint signature with
// sumdb/note, rebuilds the tree root from the served tiles with sumdb/tlog (which also checks
// every tile it reads against the checkpoint), and checks the server's inclusion proof of one
// badge with tlog.CheckRecord.
//
// Usage: tlogcheck BASE_URL VKEY JTI
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

func get(url string, accept string) []byte {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		fail("%v", err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		fail("GET %s: status %d %v", url, resp.StatusCode, err)
	}
	return body
}

// tiles reads C2SP tiles; Go's tile paths carry the height ("tile/8/L/N"), ours do not.
type tiles struct{ base string }

func (t tiles) Height() int { return 8 }

func (t tiles) ReadTiles(list []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(list))
	for i, tile := range list {
		path := strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
		out[i] = get(t.base+"/tlog/"+path, "")
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func main() {
	if len(os.Args) != 4 {
		fail("usage: tlogcheck BASE_URL VKEY JTI")
	}
	base, vkey, jti := strings.TrimRight(os.Args[1], "/"), os.Args[2], os.Args[3]
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg := get(base+"/tlog/checkpoint", "")
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint origin %q is not the key name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("checkpoint root: %v", err)
	}
	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, tiles{base})
	rebuilt, err := tlog.TreeHash(size, reader)
	if err != nil || rebuilt != root {
		fail("root rebuilt from the tiles %v does not match the checkpoint %v (%v)", rebuilt, root, err)
	}

	var proof struct {
		Index     int64    `json:"index"`
		Entry     string   `json:"entry"`
		Inclusion []string `json:"inclusion"`
	}
	if err := json.Unmarshal(get(base+"/v1/badges/"+jti+"/proof", "application/json"), &proof); err != nil {
		fail("proof JSON: %v", err)
	}
	var record tlog.RecordProof
	for _, text := range proof.Inclusion {
		raw, err := base64.StdEncoding.DecodeString(text)
		if err != nil || len(raw) != tlog.HashSize {
			fail("proof hash %q", text)
		}
		var h tlog.Hash
		copy(h[:], raw)
		record = append(record, h)
	}
	if err := tlog.CheckRecord(record, size, root, proof.Index, tlog.RecordHash([]byte(proof.Entry))); err != nil {
		fail("inclusion proof of %s: %v", jti, err)
	}
	// Go's own proof from our tiles agrees with ours.
	own, err := tlog.ProveRecord(size, proof.Index, reader)
	if err != nil || len(own) != len(record) {
		fail("tlog.ProveRecord: %v", err)
	}
	for i := range own {
		if own[i] != record[i] {
			fail("inclusion hash %d differs from tlog.ProveRecord", i)
		}
	}
	fmt.Printf("tlogcheck: checkpoint of %d entries verified by sumdb/note, root rebuilt from tiles by sumdb/tlog, inclusion of %s at %d checked\n", size, jti, proof.Index)
}
