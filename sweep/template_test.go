package sweep

import (
	"slices"
	"strings"
	"testing"
)

const templateWorkload = `name: t
resources: [{name: db, capacity: 5}]
tasks:
  - name: a
    count: 3
    steps: [{hold: db, steps: [{io: 1ms}]}]
strategies:
  - {name: pool, kind: threaded, threads: 4}
  - {kind: event_loop}
`

func TestTemplate(t *testing.T) {
	tp, err := NewTemplate("t.yaml", []byte(templateWorkload))
	if err != nil {
		t.Fatal(err)
	}
	// Two spellings of one field give the same field.
	f1, err1 := tp.Field("strategies.pool.threads")
	f2, err2 := tp.Field("strategies.0.threads")
	if err1 != nil || err2 != nil || !slices.Equal(f1, f2) || !slices.Equal(f1, []string{"strategies", "0", "threads"}) {
		t.Errorf("fields %v (%v) and %v (%v), want both strategies.0.threads", f1, err1, f2, err2)
	}
	spec, err := tp.With([]string{"strategies.pool.threads", "resources.db.capacity"}, []string{"9", "7"})
	if err != nil {
		t.Fatal(err)
	}
	if spec.Strategies[0].Threads != 9 || spec.Resources[0].Capacity != 7 {
		t.Errorf("threads %d, capacity %d; want 9 and 7", spec.Strategies[0].Threads, spec.Resources[0].Capacity)
	}
	if tp.Spec.Strategies[0].Threads != 4 || tp.Spec.Resources[0].Capacity != 5 {
		t.Error("With changed the template")
	}
	for _, tc := range []struct{ path, value, want string }{
		{"resources.dv.capacity", "1", `no item named "dv"; did you mean "db"?`},
		{"resources..capacity", "1", "empty segment"},
		{"resources.db.capacity", "0", "capacity must be at least 1"},
	} {
		_, err := tp.With([]string{tc.path}, []string{tc.value})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: error %v, want one containing %q", tc.path, tc.value, err, tc.want)
		}
	}
}
