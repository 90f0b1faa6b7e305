package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one subcommand of tthc, as help describes it.
type command struct {
	name    string
	args    string // what follows the name on the usage line
	summary string
	// flags defines the command's flags on a flag set, for its help; nil
	// when it has none.
	flags func(*flag.FlagSet)
}

// commands are tthc's subcommands, in the order help lists them.
var commands = []command{
	{name: "serve", summary: "serve GraphiQL at / and the API at /graphql (the default command)"},
	{name: "migrate", summary: "apply pending database migrations"},
	{name: "import", args: "[--warnings W.csv] FILE", summary: "import national-portal records, one JSON object a line (- for standard input)",
		flags: func(fs *flag.FlagSet) { new(importFlags).define(fs) }},
	{name: "import-dossiers", args: "FILE", summary: "import one-stop desk statistics (CSV; - for standard input)"},
	{name: "seed-demo", summary: "load the demo catalog shipped in the repository"},
	{name: "generate", args: "[--scale national|small] [--seed N]", summary: "fill an empty database with a deterministic data set",
		flags: func(fs *flag.FlagSet) { new(generateFlags).define(fs) }},
	{name: "refresh-rollups", summary: "rebuild the reporting rollups from the base tables"},
	{name: "token", args: "--sub ID --role ROLE [--unit CODE] [--name NAME] [--ttl 24h]", summary: "mint a development token signed with JWT_HS256_SECRET (needs no database)",
		flags: func(fs *flag.FlagSet) { new(tokenFlags).define(fs) }},
	{name: "help", args: "[COMMAND]", summary: "print this help, or a command's"},
}

// exitUsage is the exit status of a mistake on the command line, as
// command-line tools have it (README.md, Commands).
const exitUsage = 2

// usageError makes err a mistake on the command line.
func usageError(err error) error { return exitStatus{exitUsage, err} }

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// lookupCommand returns the command called name.
func lookupCommand(name string) (command, bool) {
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return commands[i], true
}

// printUsage writes the overview of every command.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "tthc serves the catalog of administrative procedures (thủ tục hành chính) as a GraphQL API.")
	fmt.Fprintln(w, "\nusage: tthc [COMMAND] [ARGUMENTS]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-22s %s\n", strings.TrimSpace(c.name+" "+firstWord(c.args)), c.summary)
	}
	fmt.Fprintln(w, "\nEvery command but token and help needs DATABASE_URL; the configuration")
	fmt.Fprintln(w, "comes from the environment (README.md lists every variable).")
	fmt.Fprintln(w, "`tthc COMMAND --help` describes one command.")
}

// firstWord keeps the usage table narrow: "FILE", not every flag.
func firstWord(args string) string {
	if strings.HasPrefix(args, "-") || strings.HasPrefix(args, "[") {
		return ""
	}
	w, _, _ := strings.Cut(args, " ")
	return w
}

// printCommandHelp writes the usage of one command, with its flags.
func printCommandHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: tthc %s\n\n%s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	if c.flags != nil {
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(w)
		c.flags(fs)
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
	}
}

// help answers `tthc help [COMMAND]`, `tthc -h` and `tthc COMMAND --help`.
func help(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stdout)
		return nil
	}
	if isHelp(args[0]) {
		args[0] = "help"
	}
	c, ok := lookupCommand(args[0])
	if !ok {
		printUsage(stderr)
		return usageError(fmt.Errorf("unknown command %q", args[0]))
	}
	printCommandHelp(stdout, c)
	return nil
}

// parseFlags parses a command's flags; a bad flag or a stray argument is
// a usage error. (run answers -h and --help before any command runs.)
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsThenArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return flagMistake(fs, fmt.Errorf("tthc %s takes no arguments, got %q", fs.Name(), fs.Args()))
	}
	return nil
}

// parseFlagsThenArgs parses the flags of a command that takes arguments
// after them (fs.Args()), with the command's help as its usage.
func parseFlagsThenArgs(fs *flag.FlagSet, args []string) error {
	c, _ := lookupCommand(fs.Name())
	fs.Usage = func() { printCommandHelp(fs.Output(), c) }
	if err := fs.Parse(args); err != nil {
		return usageError(err)
	}
	return nil
}

// flagMistake prints the command's usage and returns err as a usage error.
func flagMistake(fs *flag.FlagSet, err error) error {
	fs.Usage()
	return usageError(err)
}
