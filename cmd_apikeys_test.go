package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"supportaccess/handlers"
	"supportaccess/models"
)

// cliOnDB runs operator commands against one database file.
func cliOnDB(t *testing.T, db string) func(args ...string) (string, string, error) {
	return func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		err := run(context.Background(), append(args, "--db", db), e)
		return out.String(), errOut.String(), err
	}
}

// onlyJSON decodes stdout that must be exactly one JSON object.
func onlyJSON(t *testing.T, out string) map[string]string {
	t.Helper()
	var got map[string]string
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout %q is not one JSON object: %v", out, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON object: %q", out)
	}
	return got
}

func TestCredentialCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli := cliOnDB(t, db)
	if _, _, err := cli("orgs", "create", "--name", "Globex"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli("projects", "create", "--org", "Globex", "--name", "Payments"); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli("apikeys", "create", "--org", "Globex", "--role", "GROUP_OWNER", "--project", "Payments", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if k := onlyJSON(t, out); len(k["publicKey"]) != 8 || len(k["privateKey"]) != 36 || k["role"] != "GROUP_OWNER" {
		t.Fatalf("apikeys create --json: %v", k)
	}
	out, _, err = cli("serviceaccounts", "create", "--org", "Globex", "--role", "ORG_READ_ONLY", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if a := onlyJSON(t, out); !strings.HasPrefix(a["clientId"], "mdb_sa_id_") || !strings.HasPrefix(a["clientSecret"], "mdb_sa_sk_") {
		t.Fatalf("serviceaccounts create --json: %v", a)
	}
	out, _, err = cli("apikeys", "create", "--org", "Globex", "--role", "ORG_MEMBER")
	if err != nil || !strings.Contains(out, "private key:") {
		t.Fatalf("plain output: %q %v", out, err)
	}
	for _, bad := range [][]string{
		{"apikeys", "create", "--org", "Globex", "--role", "GROUP_OWNER"},                           // no project
		{"apikeys", "create", "--org", "Globex", "--role", "ORG_OWNER", "--project", "Payments"},    // project on an org role
		{"apikeys", "create", "--org", "Nobody", "--role", "ORG_OWNER"},                             // unknown org
		{"serviceaccounts", "create", "--org", "Globex", "--role", "ADMIN"},                         // unknown role
		{"serviceaccounts", "create", "--org", "Globex", "--role", "GROUP_OWNER", "--project", "X"}, // unknown project
	} {
		if out, _, err := cli(bad...); err == nil || out != "" {
			t.Errorf("%v: %q %v, want an error and empty stdout", bad, out, err)
		}
	}
}

// readmeBlock returns the shell block of the README that follows a marker.
func readmeBlock(t *testing.T, marker string) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- readme-test: " + marker + " -->\n```sh\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatalf("README has no block %q", marker)
	}
	return string(m[1])
}

// runReadmeBlock runs a README block's commands, as written, against a
// live server (only its address is changed) and returns each command's
// output.
func runReadmeBlock(t *testing.T, block, url string, environ []string) []string {
	t.Helper()
	block = strings.ReplaceAll(block, "http://127.0.0.1:8080", url)
	var cmds []string
	cur := ""
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		cur += line + "\n"
		if !strings.HasSuffix(line, "\\") {
			cmds = append(cmds, cur)
			cur = ""
		}
	}
	script := "set -euo pipefail\n"
	for _, c := range cmds {
		script += c + "echo '@@@'\n"
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), environ...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README commands failed: %v\n%s", err, out)
	}
	parts := strings.Split(string(out), "@@@\n")
	if len(parts) != len(cmds)+1 {
		t.Fatalf("%d outputs for %d commands:\n%s", len(parts)-1, len(cmds), out)
	}
	return parts[:len(cmds)]
}

// TestReadmeCurlCommands proves the README's Admin API section: grant, the
// cluster shows the grant, revoke, the grant is gone, with curl --digest
// and with a bearer token, on a live server.
func TestReadmeCurlCommands(t *testing.T) {
	for _, tool := range []string{"curl", "jq", "bash", "date"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the README's commands: %v", tool, err)
		}
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "readme.db")
	store, err := openStore(ctx, config{db: db})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.SeedDemo(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{9}, 32)
	srv := httptest.NewServer(handlers.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: [][]byte{key, key}}).Echo())
	defer srv.Close()
	org, _ := store.OrgByName(ctx, "Acme Corp")
	prod, _ := store.ProjectByName(ctx, org.ID, "Production")

	cli := cliOnDB(t, db)
	out, _, err := cli("apikeys", "create", "--org", "Acme Corp", "--role", "GROUP_OWNER", "--project", "Production", "--json")
	if err != nil {
		t.Fatal(err)
	}
	k := onlyJSON(t, out)
	out, _, err = cli("serviceaccounts", "create", "--org", "Acme Corp", "--role", "ORG_OWNER", "--json")
	if err != nil {
		t.Fatal(err)
	}
	a := onlyJSON(t, out)

	check := func(name string, outs []string, grantType string) {
		t.Helper()
		grant, shown, revoke, gone := outs[len(outs)-4], outs[len(outs)-3], outs[len(outs)-2], outs[len(outs)-1]
		if name == "bearer" {
			grant, shown, revoke, gone = outs[2], outs[3], outs[4], outs[5]
		}
		if strings.TrimSpace(grant) != "" || strings.TrimSpace(revoke) != "" {
			t.Errorf("%s: grant and revoke answer 204 with no body, got %q and %q", name, grant, revoke)
		}
		if !strings.Contains(shown, `"mongoDBEmployeeAccessGrant":{"grantType":"`+grantType+`"`) {
			t.Errorf("%s: the cluster does not show the grant: %s", name, shown)
		}
		if !strings.Contains(gone, `"name":"orders-prod"`) || strings.Contains(gone, "mongoDBEmployeeAccessGrant") {
			t.Errorf("%s: the grant is not gone after revoke: %s", name, gone)
		}
	}
	environ := []string{"PUBLIC_KEY=" + k["publicKey"], "PRIVATE_KEY=" + k["privateKey"], "GROUP_ID=" + prod.ID,
		"CLIENT_ID=" + a["clientId"], "CLIENT_SECRET=" + a["clientSecret"]}
	check("digest", runReadmeBlock(t, readmeBlock(t, "digest"), srv.URL, environ), "CLUSTER_INFRASTRUCTURE")
	check("bearer", runReadmeBlock(t, readmeBlock(t, "bearer"), srv.URL, environ), "CLUSTER_DATABASE_LOGS")

	// Both actors are named in the activity feed.
	evs, _, err := store.Events(ctx, models.Operator(org.ID), models.EventFilter{OrgID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, e := range evs {
		names[string(e.ActorKind)+" "+e.ActorName]++
	}
	if names["API_KEY "+k["publicKey"]] != 2 || names["SERVICE_ACCOUNT "+a["clientId"]] != 2 {
		t.Errorf("events by actor: %v", names)
	}
}
