package runner

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

// Variables is every setting of the suite, in the order --help lists them.
// Each is also a flag of the command: the variable's name without
// CONTRACT_, lower case, with hyphens (CONTRACT_BASE_URL is --base-url), so
// that the suite's documentation of a variable is the flag's too. The admin
// key is no flag: a flag shows in process lists and CI logs.
var Variables = []string{
	suite.EnvBaseURL,
	suite.EnvProjectID,
	suite.EnvExclusive,
	suite.EnvFaultHeader,
	suite.EnvStatefulSteps,
	suite.EnvSeed,
	suite.EnvRecord,
	suite.EnvMutations,
	suite.EnvMTLSBaseURL,
	suite.EnvMTLSClientCert,
	suite.EnvMTLSClientKey,
	suite.EnvMTLSServerCA,
}

// usages says what each setting is, for --help; the suite's documentation
// says more.
var usages = map[string]string{
	suite.EnvBaseURL:        "the `URL` of the API to check, such as https://api.openai.com/v1 (unset: an in-process emulator)",
	suite.EnvProjectID:      "a `project` of that organization (proj_...), for the project operations",
	suite.EnvExclusive:      "the organization is the run's alone: also run the specs labelled exclusive",
	suite.EnvFaultHeader:    "the target honours X-Emulator-Fault (a standalone emulator started with -fault-header)",
	suite.EnvStatefulSteps:  "the stateful phase's budget of `steps`; 0 leaves it out (default 60 on a target, 600 in process)",
	suite.EnvSeed:           "draw the stateful phase's sequences from this `seed`, as a failure report prints it",
	suite.EnvRecord:         "write every exchange of the run to this HAR `file`",
	suite.EnvMutations:      "comma list of deliberately wrong `behaviours` of the in-process emulator",
	suite.EnvMTLSBaseURL:    "the `URL` of an mTLS endpoint to check the gate of, such as https://mtls.api.openai.com/v1 (with OPENAI_API_KEY, a project key)",
	suite.EnvMTLSClientCert: "PEM `file` of a client certificate signed by a CA active for OPENAI_API_KEY's project",
	suite.EnvMTLSClientKey:  "PEM `file` of that certificate's private key",
	suite.EnvMTLSServerCA:   "PEM `file` of the CA to trust for the mTLS endpoint's server certificate (default: the system's)",
}

// FlagName is the flag that sets variable.
func FlagName(variable string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(variable, "CONTRACT_"), "_", "-"))
}

// boolean says whether a variable takes 1 or 0, so that its flag can be
// given alone (--exclusive).
func boolean(variable string) bool {
	return variable == suite.EnvExclusive || variable == suite.EnvFaultHeader
}

// settingFlag is a flag that sets its variable in env when given. The
// suite reads the variables, and checks them, as it does under make
// contract; the flag only carries the value there.
type settingFlag struct {
	variable string
	env      map[string]string
}

func (f settingFlag) String() string { return f.env[f.variable] }

func (f settingFlag) Set(v string) error {
	switch {
	case boolean(f.variable):
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		v = "0"
		if b {
			v = "1"
		}
	}
	f.env[f.variable] = v
	return nil
}

func (f settingFlag) IsBoolFlag() bool { return boolean(f.variable) }

// addSettings defines a flag for every variable on fs; the ones given end
// up in env.
func addSettings(fs *flag.FlagSet, env map[string]string) {
	for _, v := range Variables {
		fs.Var(settingFlag{variable: v, env: env}, FlagName(v), usages[v]+" ("+v+")")
	}
}
