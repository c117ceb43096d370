// Command goverify checks docket's verifiable log with Go's implementation of the same
// formats, golang.org/x/mod/sumdb/note and sumdb/tlog: a second, independent reading of
// docket's keys, signed checkpoints and proofs (tests/log/test_note_and_merkle_in_go.py builds and
// runs it).
//
//	goverify keygen NAME   prints a signing key and its verifier key, one a line
//	goverify sign SKEY     signs the note text on stdin, prints the signed note
//	goverify verify        reads a JSON request on stdin, prints a JSON verdict per item
//
// verify's request: {"vkey": verifier key, "checkpoints": [signed checkpoints],
// "leaves": [base64 leaf hashes, the whole log] or "leaf_data": [base64 leaf data, which
// tlog.RecordHash hashes], "inclusion": [{"index", "size", "leaf",
// "proof"}], "consistency": [{"old", "new", "proof"}]}. A checkpoint is opened with
// note.Open and its root compared with tlog.TreeHash over the leaves, as Go stores them;
// a proof is checked with tlog.CheckRecord or tlog.CheckTree against the roots of the
// checkpoints of those sizes.
package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type request struct {
	VKey        string       `json:"vkey"`
	Checkpoints []string     `json:"checkpoints"`
	Leaves      []tlog.Hash  `json:"leaves"`
	LeafData    [][]byte     `json:"leaf_data"`
	Inclusion   []inclusion  `json:"inclusion"`
	Consistency []consistent `json:"consistency"`
}

type inclusion struct {
	Index int64       `json:"index"`
	Size  int64       `json:"size"`
	Leaf  tlog.Hash   `json:"leaf"`
	Proof []tlog.Hash `json:"proof"`
}

type consistent struct {
	Old   int64       `json:"old"`
	New   int64       `json:"new"`
	Proof []tlog.Hash `json:"proof"`
}

type verdict struct {
	OK    bool   `json:"ok"`
	Size  int64  `json:"size,omitempty"`
	Error string `json:"error,omitempty"`
}

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: goverify keygen NAME | sign SKEY | verify"))
	}
	switch os.Args[1] {
	case "keygen":
		skey, vkey, err := note.GenerateKey(rand.Reader, os.Args[2])
		check(err)
		fmt.Println(skey)
		fmt.Println(vkey)
	case "sign":
		signer, err := note.NewSigner(os.Args[2])
		check(err)
		text, err := io.ReadAll(os.Stdin)
		check(err)
		msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
		check(err)
		os.Stdout.Write(msg)
	case "verify":
		var req request
		check(json.NewDecoder(os.Stdin).Decode(&req))
		check(json.NewEncoder(os.Stdout).Encode(verify(req)))
	default:
		fail(fmt.Errorf("unknown command %q", os.Args[1]))
	}
}

func verify(req request) map[string][]verdict {
	verifier, err := note.NewVerifier(req.VKey)
	check(err)
	for _, data := range req.LeafData { // leaves given as their data: Go hashes them
		req.Leaves = append(req.Leaves, tlog.RecordHash(data))
	}
	stored := storedHashes(req.Leaves)
	roots := map[int64]tlog.Hash{}
	out := map[string][]verdict{}
	for _, msg := range req.Checkpoints {
		size, root, err := openCheckpoint([]byte(msg), verifier)
		if err == nil && size > 0 && size <= int64(len(req.Leaves)) {
			var want tlog.Hash
			if want, err = tlog.TreeHash(size, stored); err == nil && want != root {
				err = fmt.Errorf("root %v is not the tree hash %v of the first %d leaves", root, want, size)
			}
		}
		if err == nil {
			roots[size] = root
		}
		out["checkpoints"] = append(out["checkpoints"], result(size, err))
	}
	for _, p := range req.Inclusion {
		root, ok := roots[p.Size]
		err := errors.New("no verified checkpoint of that size")
		if ok {
			err = tlog.CheckRecord(p.Proof, p.Size, root, p.Index, p.Leaf)
		}
		out["inclusion"] = append(out["inclusion"], result(p.Size, err))
	}
	for _, p := range req.Consistency {
		oldRoot, okOld := roots[p.Old]
		newRoot, okNew := roots[p.New]
		err := errors.New("no verified checkpoints of those sizes")
		if okOld && okNew {
			err = tlog.CheckTree(p.Proof, p.New, newRoot, p.Old, oldRoot)
		}
		out["consistency"] = append(out["consistency"], result(p.New, err))
	}
	return out
}

// openCheckpoint opens a C2SP checkpoint: the log's key must have signed it and be named
// as its origin; the next lines are the tree size and the base64 root hash.
func openCheckpoint(msg []byte, verifier note.Verifier) (int64, tlog.Hash, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return 0, tlog.Hash{}, err
	}
	lines := strings.SplitAfter(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name()+"\n" {
		return 0, tlog.Hash{}, errors.New("not a checkpoint of this log")
	}
	size, err := strconv.ParseInt(strings.TrimSuffix(lines[1], "\n"), 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10)+"\n" != lines[1] {
		return 0, tlog.Hash{}, errors.New("malformed tree size")
	}
	root, err := tlog.ParseHash(strings.TrimSuffix(lines[2], "\n"))
	return size, root, err
}

// storedHashes stores the leaves as tlog stores a log's records.
func storedHashes(leaves []tlog.Hash) tlog.HashReaderFunc {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, index := range indexes {
			out[i] = stored[index]
		}
		return out, nil
	})
	for n, leaf := range leaves {
		hashes, err := tlog.StoredHashesForRecordHash(int64(n), leaf, reader)
		check(err)
		stored = append(stored, hashes...)
	}
	return reader
}

func result(size int64, err error) verdict {
	if err != nil {
		return verdict{OK: false, Size: size, Error: err.Error()}
	}
	return verdict{OK: true, Size: size}
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goverify:", err)
	os.Exit(2)
}
