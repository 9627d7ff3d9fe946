// Command pantau is Pantau's single binary; see `pantau help`.
package main

import (
	"os"

	"github.com/diskominfo-kaltim/pantau/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
