//! Rule definitions (`tanpu_core::rules::RuleVersion`) as administrators
//! send them in JSON, and their validation (`tanpu_core::rules::validate`).
//!
//! Properties:
//! - reading arbitrary JSON and validating what was read never panic;
//! - a definition that reads is stored as JSON and read back (that is how
//!   the server keeps rule versions): it must serialize, read back equal,
//!   and validate the same;
//! - the evaluator gives an answer for it, never negative; for a valid
//!   definition, an action of its kind and unit at its start, of its
//!   smallest quantity, is neither an invalid record nor of a kind not
//!   allowed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tanpu_core::rules::{Action, Context, ReasonCode, RuleVersion, evaluate, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(rule) = serde_json::from_slice::<RuleVersion>(data) else {
        return;
    };
    let verdict = validate(&rule);
    if let Err(issues) = &verdict {
        assert!(!issues.is_empty(), "refused without a reason");
    }

    let stored = serde_json::to_string(&rule).expect("a rule serializes");
    let back: RuleVersion = match serde_json::from_str(&stored) {
        Ok(back) => back,
        Err(e) => panic!("a stored rule does not read back: {e}\n{stored}"),
    };
    assert_eq!(back, rule, "{stored}");
    assert_eq!(validate(&back), verdict);

    let action = Action::new(
        rule.kind.clone(),
        rule.bounds.min,
        rule.unit,
        rule.effective_from,
    );
    for ctx in [
        Context::preview(rule.effective_from),
        Context::new(rule.effective_from),
    ] {
        let decision = evaluate(&action, &rule, &ctx);
        assert!(decision.points().0 >= 0 && decision.co2e().0 >= 0);
        if verdict.is_ok() {
            let reasons = decision.reasons();
            assert!(!reasons.contains(&ReasonCode::InvalidRecord), "{reasons:?}");
            assert!(
                !reasons.contains(&ReasonCode::KindNotAllowed),
                "{reasons:?}"
            );
        }
    }
});
