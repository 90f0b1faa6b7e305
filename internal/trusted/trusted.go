// Package trusted holds the trusted documents: the operations a front end
// was built with, persisted at build time, which alone a server in trusted
// mode runs (TRUSTED_DOCUMENTS). The manifest is the JSON object of
// document id to document text that GraphQL Code Generator's client
// preset (persisted-documents.json) and Relay's compiler
// (persisted_queries.json) write.
package trusted

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Documents are the trusted documents, by id and by text.
type Documents struct {
	byID   map[string]string
	byText map[string]bool
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Load reads a manifest. An id that is a SHA-256 (64 hex digits, with or
// without "sha256:") must be the hash of its document, so a manifest that
// does not match its front end is refused at start rather than failing
// requests one by one.
func Load(path string) (*Documents, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var manifest map[string]string
	if err := json.Unmarshal(b, &manifest); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object of document id to document text: %w", path, err)
	}
	if len(manifest) == 0 {
		return nil, fmt.Errorf("%s holds no document", path)
	}
	d := &Documents{byID: map[string]string{}, byText: map[string]bool{}}
	var errs []error
	for id, text := range manifest {
		key := strings.TrimPrefix(id, "sha256:")
		if sha256Hex.MatchString(key) && Hash(text) != key {
			errs = append(errs, fmt.Errorf("%s: document %s is not the SHA-256 of its text (%s)", path, id, Hash(text)))
		}
		d.byID[key] = text
		d.byText[text] = true
	}
	return d, errors.Join(errs...)
}

// Lookup returns the document of id: a key of the manifest, with or
// without the "sha256:" prefix of GraphQL over HTTP's document ids.
func (d *Documents) Lookup(id string) (string, bool) {
	if d == nil {
		return "", false
	}
	text, ok := d.byID[strings.TrimPrefix(id, "sha256:")]
	return text, ok
}

// Contains tells whether text is, character for character, a trusted
// document.
func (d *Documents) Contains(text string) bool { return d != nil && d.byText[text] }

// Len returns the number of documents.
func (d *Documents) Len() int { return len(d.byID) }

// Hash is the SHA-256 of a document's text in hex, its id in a manifest.
func Hash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}
