// Command vault builds HashiCorp Vault's own CLI/server (the exact release pinned
// in go.mod) so end-to-end tests can run a real `vault server -dev` locally.
// Built by scripts/build-vault.sh; nothing here is part of the Java project.
package main

import (
	"os"

	"github.com/hashicorp/vault/command"
)

func main() {
	os.Exit(command.Run(os.Args[1:]))
}
