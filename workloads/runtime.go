package workloads

import (
	"errors"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"asyncsim/internal/schema"
	"asyncsim/strategies"
)

// exampleFile prefixes the file name of an embedded example.
const exampleFile = "example:"

// The keys of a runtime profile, as calibrate/summarize.py writes it.
var (
	profileKeys   = []string{"python", "asyncio", "uvloop", "gil", "memory"}
	loopCostKeys  = []string{"poll_cost", "resume_cost"}
	gilProfileKey = []string{"requester_bias"}
	memoryKeys    = []string{"shared", "process", "thread", "task"}
)

// maxMemoryCost is the largest memory cost a profile may give, in bytes
// (a TiB): a process or thread larger than that is a mistake, and the
// bound keeps a million of them within int64.
const maxMemoryCost = 1 << 40

// ParseRuntime parses a runtime profile, the YAML file the calibration
// kit writes (calibrate/summarize.py), read from file:
//
//	python: "3.11.2"                          # the Python measured, for the record
//	asyncio: {poll_cost: 8us, resume_cost: 7us}
//	uvloop: {poll_cost: 4us, resume_cost: 3500ns}
//	gil: {requester_bias: 0.8}
//	memory: {shared: 9711616, process: 14813721, thread: 65180, task: 1684}  # bytes
//
// Every entry is optional; what it leaves out keeps the value of base. It
// returns the profile, or an ErrorList naming each problem's line and
// column in file.
func ParseRuntime(file string, data []byte, base strategies.Runtime) (strategies.Runtime, error) {
	doc, err := schema.Decode(file, data, "a runtime profile like {asyncio: {poll_cost: 8us, resume_cost: 7us}}", "a runtime profile")
	if err != nil {
		return base, err
	}
	p := schema.NewParser(file, doc)
	rt := base
	err = p.Run(func() {
		root := schema.Root(doc)
		if root == nil || schema.IsNull(p.Deref(root)) {
			return // an empty profile changes nothing
		}
		m, ok := p.AsMapping(root, "a runtime profile (a mapping with asyncio, uvloop, gil)")
		if !ok {
			return
		}
		f := p.Mapping(m, "runtime profile", profileKeys)
		if pr, ok := f.Get("python"); ok {
			p.Str(pr.Val)
		}
		for _, model := range []struct {
			key   string
			costs *strategies.LoopCosts
		}{{strategies.LoopAsyncio, &rt.Asyncio}, {strategies.LoopUVLoop, &rt.UVLoop}} {
			pr, ok := f.Get(model.key)
			if !ok {
				continue
			}
			m, ok := p.AsMapping(pr.Val, "a mapping like {poll_cost: 8us, resume_cost: 7us}")
			if !ok {
				continue
			}
			g := p.Mapping(m, model.key, loopCostKeys)
			if pr, ok := g.Get("poll_cost"); ok {
				if d, ok := p.Duration(pr.Val); ok {
					model.costs.Poll = d
				}
			}
			if pr, ok := g.Get("resume_cost"); ok {
				if d, ok := p.Duration(pr.Val); ok {
					model.costs.Resume = d
				}
			}
		}
		if pr, ok := f.Get("memory"); ok {
			memoryCosts(p, pr.Val, &rt.Memory)
		}
		if pr, ok := f.Get("gil"); ok {
			if m, ok := p.AsMapping(pr.Val, "a mapping like {requester_bias: 0.8}"); ok {
				g := p.Mapping(m, "gil", gilProfileKey)
				if pr, ok := g.Get("requester_bias"); ok {
					if x, ok := p.Number(pr.Val, "requester_bias"); ok {
						if x < 0 || x > 1 {
							p.Errorf(p.Deref(pr.Val), "requester_bias must be a probability between 0 and 1, got %s", schema.FormatFloat(x))
						} else {
							rt.RequesterBias = x
						}
					}
				}
			}
		}
	})
	return rt, err
}

// memoryCosts parses with p a profile's memory block, {shared: B, process: B,
// thread: B, task: B} in bytes, into costs: what it leaves out keeps its
// value.
func memoryCosts(p *schema.Parser, n *yaml.Node, costs *strategies.MemoryCosts) {
	m, ok := p.AsMapping(n, "a mapping like {shared: 9711616, process: 14813721, thread: 65180, task: 1684} (bytes)")
	if !ok {
		return
	}
	g := p.Mapping(m, "memory", memoryKeys)
	for _, c := range []struct {
		key  string
		cost *int64
	}{{"shared", &costs.Shared}, {"process", &costs.Process}, {"thread", &costs.Thread}, {"task", &costs.Task}} {
		if pr, ok := g.Get(c.key); ok {
			if v, ok := p.Int(pr.Val, "memory."+c.key, 0, maxMemoryCost, "bytes"); ok {
				*c.cost = v
			}
		}
	}
}

// runtimeProfile reads and parses the runtime profile that n, a `runtime:`
// value of the workload, names relative to the workload file, over base.
func (p *parser) runtimeProfile(n *yaml.Node, base strategies.Runtime) (strategies.Runtime, bool) {
	name, ok := p.Str(n)
	if !ok {
		return base, false
	}
	v := p.Deref(n)
	if name == "" {
		p.Errorf(v, "runtime must name a profile file, got an empty string")
		return base, false
	}
	if strings.HasPrefix(p.File(), exampleFile) {
		p.Errorf(v, "an embedded example cannot name a runtime profile: copy it to a file first")
		return base, false
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(p.File()), path)
	}
	data, err := schema.ReadFile(path)
	if err != nil {
		p.Errorf(v, "runtime profile: %v", err)
		return base, false
	}
	rt, err := ParseRuntime(path, data, base)
	if err != nil {
		var list schema.ErrorList
		if errors.As(err, &list) {
			p.Add(list)
		} else {
			p.Errorf(v, "runtime profile: %v", err)
		}
		return base, false
	}
	return rt, true
}
