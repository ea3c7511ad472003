package config

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// SetDeclared returns the configuration file doc (YAML) with its
// declared_personas replaced by declared, or added at the end when absent.
// Everything else in doc, comments included, stays as it was. It returns
// an error when doc does not parse, or when the result is not a valid
// configuration (the error names the field, as Validate does).
func SetDeclared(doc []byte, declared []DeclaredPersona) ([]byte, error) {
	var root yaml.Node
	if len(bytes.TrimSpace(doc)) > 0 {
		if err := yaml.Unmarshal(doc, &root); err != nil {
			return nil, fmt.Errorf("read %s: %w", FileName, err)
		}
	}
	if root.Kind == 0 {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: the document is not a mapping", FileName)
	}
	m := root.Content[0]
	value := declaredNode(declared)
	found := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "declared_personas" {
			m.Content[i+1] = value
			found = true
			break
		}
	}
	if !found {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "declared_personas"}, value)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("write %s: %w", FileName, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", FileName, err)
	}
	if _, err := Parse(bytes.NewReader(buf.Bytes())); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// declaredNode writes declared personas as the YAML the file documents:
// a list of {name, description, conditions: {name: expression}}.
func declaredNode(declared []DeclaredPersona) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, d := range declared {
		p := &yaml.Node{Kind: yaml.MappingNode}
		p.Content = append(p.Content, str("name"), str(d.Name))
		if d.Description != "" {
			p.Content = append(p.Content, str("description"), str(d.Description))
		}
		conds := &yaml.Node{Kind: yaml.MappingNode}
		for _, c := range d.Conditions {
			conds.Content = append(conds.Content, str(c.Name), str(c.Expr))
		}
		p.Content = append(p.Content, str("conditions"), conds)
		seq.Content = append(seq.Content, p)
	}
	return seq
}
