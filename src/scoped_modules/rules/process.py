"""The sentences of the scoped-module process that the rules enforce, verbatim.

Source: "Empowering New Scoped Module to the Project", Apache TVM process RFC (apache/tvm-rfcs#95).
Each rule page quotes the ones it enforces under "Why is this bad?"; a test checks every quote
against the process text word for word.
"""

from __future__ import annotations

SOURCE = (
    '"Empowering New Scoped Module to the Project", Apache TVM process RFC (apache/tvm-rfcs#95)'
)

ISOLATED = "Clearly isolated in its own namespace."
CONTAINED = (
    "S0 changes would be contained in its namespace, with possible integrations also built "
    "inside its namespace."
)
NO_DISRUPTION = "No disruptive change to the rest of the codebase"
DEPRECATE = "Can be easily deprecated by removing the related namespaces"
REMOVAL = (
    "The removal of the module is easy as they are contained in the respective folders, with no "
    "modules that come and depend on them."
)
TOGGLE = (
    "Can be turned off through a feature toggle to contain the overall dependency from the rest "
    "of the modules."
)
OWNERS = (
    "A clear set of community members are committed to maintaining the proposed modules with "
    "technical support quantitatively, more than three endorsing committers who can serve as the "
    "initial owner."
)
CHAMPION = (
    "One of the PMC members would serve as a champion, provide a clear technical summary of the "
    "state, pros and cons during discussions for the S0-level proposal and suggest a path forward."
)
ENDORSE = (
    "More than three PMC members endorse the S0-level proposal to ensure that there are enough "
    "eyes and shepherding in the module."
)
MAJORITY = "The decision to establish a S0-level module needs to get majority support from PMC."
S1_RFC = "Each such composition would require its own RFC and following the existing RFC process."
LATER_RFC = (
    "Importantly, further S1/S2 level changes would require different RFC and longer "
    "deliberation for G0."
)
INACTIVE = (
    "When a S0 module no longer has an active set of maintainers, the module will be deprecated."
)
SEPARATE = (
    "Clean isolation of changes from existing modules, when the change touches existing modules, "
    "they should be discussed separately."
)
