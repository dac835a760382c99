package main

import (
	"errors"
	"fmt"
	"io"

	"asyncsim/sweep"
)

const mergeUsage = `
Usage: asyncsim merge DIR [flags]

Joins the shard files sweep.shard-K-of-N.csv in DIR, written by
'asyncsim sweep --shard K/N --out DIR' (on one machine or many), into
DIR/sweep.csv and DIR/sweep.json, byte for byte the files an unsharded
run of the same sweep writes, and draws the sweep's figures. It refuses,
writing nothing, when a shard is missing, unfinished or duplicated, when
a line of a shard is not what a sweep writes (naming the line), when the
shards come from different sweep files or splits, and while a sweep or
another merge is using DIR.
`

func mergeCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", mergeUsage, stdout)
	noFigures := fs.Bool("no-figures", false, "write no figures ('asyncsim plot DIR' draws them later)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("merge: name one folder of shard files, got %d arguments", len(pos))
	}
	files, err := sweep.Merge(pos[0], !*noFigures)
	var dirErr *sweep.DirError
	switch {
	case errors.As(err, &dirErr):
		return usageError{fmt.Errorf("merge: %w", err)}
	case err != nil:
		return err
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	return nil
}
