/// The Rego module every bundle carries as `capiscio/policy.rego`: the query
/// `data.capiscio.policy` yields `decision` ("ALLOW" | "DENY"), `reason` and `obligations` for a
/// decision input (RFC-005 appendix B.2: `subject`, `action`, `resource`, `context`,
/// `environment`) over the bundle data (`config`, `resolved_policies`, `agents`).
///
/// Written for this project from the policy schema and RFC-005 and kept to the Rego v1 syntax
/// that OPA, rego-cpp (regopy) and regorus (opa-eval) all accept: `import rego.v1`, no indexing
/// of a sorted set (rego-cpp leaves it undefined), no `some … in` inside comprehensions (regorus
/// cannot schedule it). ``PolicyEvaluator`` implements the same semantics natively;
/// scripts/policy-diff checks that the three agree. Change both together.
public enum PolicyRego {
    /// The module's file name inside the bundle.
    public static let moduleName = "capiscio/policy.rego"

    public static let module = #"""
package capiscio.policy

import rego.v1

# Written for Insignia; evaluated as data.capiscio.policy. Semantics (mirrored by Insignia's
# native evaluator): the subject's resolved policy (else the organisation's) refuses a disabled
# agent, a denied DID, a DID outside a restricting allow-list, or a trust level below the minimum;
# then every operation, MCP tool and capability-class rule matching the action does the same; the
# byte-wise smallest refusal is the reason. On ALLOW, rate limits become obligations.

trust_ranks := {"SS": 0, "REG": 1, "DV": 2, "OV": 3, "EV": 4, "0": 0, "1": 1, "2": 2, "3": 3, "4": 4}

subject_did := d if {
	d := input.subject.did
	is_string(d)
} else := ""

subject_rank := r if {
	r := trust_ranks[input.subject.trust_level]
} else := -1

effective := p if {
	p := data.resolved_policies.by_agent_did[subject_did]
} else := data.config

below(level) if {
	level != ""
	subject_rank < trust_ranks[level]
}

refusal(rule) := "subject DID is denied" if {
	subject_did in rule.denied_dids
} else := "subject DID is not in allowed_dids" if {
	rule.restrict_to_allowed
	not subject_did in rule.allowed_dids
} else := concat("", ["trust level below ", rule.min_trust_level]) if {
	below(rule.min_trust_level)
}

matches(pattern, value) if pattern == value

matches(pattern, value) if {
	endswith(pattern, "*")
	startswith(value, trim_suffix(pattern, "*"))
}

action_value(key) := v if {
	v := input.action[key]
	is_string(v)
}

rule_refusals contains concat("", ["operation ", rule.pattern, ": ", why]) if {
	some rule in effective.operations
	matches(rule.pattern, action_value("operation"))
	why := refusal(rule)
}

rule_refusals contains concat("", ["mcp_tool ", rule.tool, ": ", why]) if {
	some rule in effective.mcp_tools
	matches(rule.tool, action_value("mcp_tool"))
	why := refusal(rule)
}

rule_refusals contains concat("", ["capability_class ", rule.class, ": ", why]) if {
	some rule in effective.capability_classes
	matches(rule.class, action_value("capability_class"))
	why := refusal(rule)
}

first_rule_refusal := min(rule_refusals) if count(rule_refusals) > 0

subject_disabled if {
	some agent in data.agents
	agent.did == subject_did
	agent.status != "active"
}

denial := "subject agent is disabled" if {
	subject_disabled
} else := why if {
	why := refusal(effective)
} else := why if {
	why := first_rule_refusal
}

decision := "DENY" if {
	denial
} else := "ALLOW"

reason := denial if {
	denial
} else := "allowed by policy"

rate_obligations := [{"type": "rate_limit.apply", "params": {"rpm": limit.rpm, "key": subject_did}} |
	limit := effective.rate_limits[_]
	limit.did == subject_did
]

obligations := [] if {
	denial
} else := rate_obligations
"""#
}
