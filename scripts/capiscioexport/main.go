// Command capiscioexport reads the files `insignia trust export --capiscio DIR` writes the way
// capiscio-core's offline verifier reads them, with implementations that are not ours: Go's
// encoding/json and time.Time for cache/revocations.json (the shape of pkg/revocation/cache.go's
// cacheData: syncedAt and revocations[].revokedAt are time.Time, RFC 3339), and go-jose for the
// trust store (pkg/trust/store.go: issuers.json maps the issuer to kids, <kid>.jwk holds one
// JWK; `capiscio badge verify --offline` takes the issuer's first key, cmd/capiscio/badge.go).
// It then does what that verifier does: the badge's signature under the issuer's first key, and
// its jti looked up in the revocation list.
//
// Usage: capiscioexport DIR ISSUER VALID_BADGE REVOKED_BADGE
// Exits 0 when the valid badge verifies and is not listed, the revoked one verifies and is
// listed, and the cache is younger than capiscio's default staleness threshold (5 minutes).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ed25519"
	jose "gopkg.in/square/go-jose.v2"
)

type revocation struct {
	JTI       string    `json:"jti"`
	RevokedAt time.Time `json:"revokedAt"`
	Reason    string    `json:"reason,omitempty"`
}

type cacheData struct {
	SyncedAt    time.Time    `json:"syncedAt"`
	Revocations []revocation `json:"revocations"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "capiscioexport: "+format+"\n", args...)
	os.Exit(1)
}

func readJSON(path string, into interface{}) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		fail("%s: %v", path, err)
	}
}

// The file name capiscio's trust store gives a kid.
func keyFile(dir, kid string) string {
	safe := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, kid)
	return filepath.Join(dir, "trust", safe+".jwk")
}

// The badge's jti when its signature verifies under key.
func verifiedJTI(token string, key interface{}) string {
	jws, err := jose.ParseSigned(strings.TrimSpace(token))
	if err != nil {
		fail("badge does not parse: %v", err)
	}
	payload, err := jws.Verify(key)
	if err != nil {
		fail("badge signature does not verify under the issuer's first trusted key: %v", err)
	}
	var claims struct {
		JTI string `json:"jti"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.JTI == "" {
		fail("badge payload has no jti")
	}
	return claims.JTI
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: capiscioexport DIR ISSUER VALID_BADGE REVOKED_BADGE")
	}
	dir, issuer := os.Args[1], os.Args[2]

	var cache cacheData
	readJSON(filepath.Join(dir, "cache", "revocations.json"), &cache)
	if age := time.Since(cache.SyncedAt); cache.SyncedAt.IsZero() || age > 5*time.Minute || age < -time.Minute {
		fail("syncedAt %v is not a recent time", cache.SyncedAt)
	}
	revoked := map[string]bool{}
	for _, r := range cache.Revocations {
		if r.RevokedAt.IsZero() {
			fail("revocation %s has no revokedAt", r.JTI)
		}
		revoked[r.JTI] = true
	}

	var issuers map[string][]string
	readJSON(filepath.Join(dir, "trust", "issuers.json"), &issuers)
	kids := issuers[issuer]
	if len(kids) == 0 {
		fail("issuers.json maps no key to %s", issuer)
	}
	var key jose.JSONWebKey
	readJSON(keyFile(dir, kids[0]), &key)
	if key.KeyID != kids[0] {
		fail("%s holds kid %q", keyFile(dir, kids[0]), key.KeyID)
	}
	if _, ok := key.Key.(ed25519.PublicKey); !ok || !key.IsPublic() || !key.Valid() {
		fail("%s is not a valid public Ed25519 JWK (%T)", keyFile(dir, kids[0]), key.Key)
	}

	if jti := verifiedJTI(os.Args[3], key.Key); revoked[jti] {
		fail("the valid badge %s is listed as revoked", jti)
	}
	if jti := verifiedJTI(os.Args[4], key.Key); !revoked[jti] {
		fail("the revoked badge %s is not in cache/revocations.json", jti)
	}
	fmt.Printf("capiscioexport: %d revocations, key %s: both badges judged as capiscio's offline verifier would\n", len(cache.Revocations), kids[0])
}
