package sweep

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestSlurmBatchFile checks that the shipped sbatch file runs shard
// SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT (scripts/slurm-e2e.sh runs
// it on a real cluster).
func TestSlurmBatchFile(t *testing.T) {
	data, err := os.ReadFile("../deploy/slurm/sweep.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --array=", `--shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT"`, "--resume", "asyncsim merge"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("sweep.sbatch lacks %q", want)
		}
	}
}

// TestKubernetesJob checks the Indexed Job: its shard count matches its
// completions, each pod runs shard JOB_COMPLETION_INDEX, and it sweeps an
// example that exists, as the merge Job does.
func TestKubernetesJob(t *testing.T) {
	docs := yamlDocs(t, "../deploy/k8s/sweep-job.yaml")
	var job map[string]any
	for _, d := range docs {
		if d["kind"] == "Job" {
			job = d
		}
	}
	if job == nil {
		t.Fatal("sweep-job.yaml has no Job")
	}
	spec := job["spec"].(map[string]any)
	if spec["completionMode"] != "Indexed" {
		t.Errorf("completionMode = %v; want Indexed", spec["completionMode"])
	}
	container := spec["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	env := map[string]string{}
	for _, e := range container["env"].([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)] = m["value"].(string)
	}
	if shards, _ := strconv.Atoi(env["SHARDS"]); shards != spec["completions"] || shards < 1 {
		t.Errorf("SHARDS = %q but completions = %v", env["SHARDS"], spec["completions"])
	}
	args := container["args"].([]any)[0].(string)
	if !strings.Contains(args, `--shard "$JOB_COMPLETION_INDEX/$SHARDS"`) || !strings.Contains(args, "--resume") {
		t.Errorf("args = %q; want --shard \"$JOB_COMPLETION_INDEX/$SHARDS\" and --resume", args)
	}
	if _, ok := LookupExample(env["SWEEP"]); !ok {
		t.Errorf("SWEEP = %q is not an example sweep", env["SWEEP"])
	}
	merge := yamlDocs(t, "../deploy/k8s/sweep-merge-job.yaml")[0]
	mc := merge["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if v := mc["env"].([]any)[0].(map[string]any)["value"]; v != env["SWEEP"] {
		t.Errorf("the merge Job merges %v, the Job sweeps %v", v, env["SWEEP"])
	}
}

func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, d)
	}
	return docs
}
