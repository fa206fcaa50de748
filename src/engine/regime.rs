//! The approval regime: the pack's steps run over every regime still possible.

use std::borrow::Cow;

use super::RegimeResult;
use super::rule::truth;
use super::slots::Slots;
use crate::expr::{Unknown, Value};
use crate::pack::Pack;

pub(super) fn decide_regime(pack: &Pack, env: &Slots<'_>) -> RegimeResult {
    let values = &pack.regime.values;
    let mut possible: Vec<bool> = vec![true; values.len()];
    let mut fired = Vec::new();
    let mut unknown = Unknown::default();
    let idx = |v: &str| values.iter().position(|x| x == v);
    for step in &pack.regime.steps {
        let cond = step.when.eval(env);
        let Some(to) = idx(&step.to) else { continue };
        let from = step.from.as_deref().and_then(idx);
        let mut next = vec![false; values.len()];
        let mut changed = false;
        for (v, p) in possible.iter().enumerate() {
            if !p {
                continue;
            }
            if from.is_some_and(|f| f != v) {
                next[v] = true;
                continue;
            }
            match truth(&cond) {
                Some(true) => {
                    next[to] = true;
                    changed = true;
                }
                Some(false) => next[v] = true,
                None => {
                    next[v] = true;
                    next[to] = true;
                    if v != to
                        && let Value::Unknown(u) = &cond
                    {
                        unknown.merge(u);
                    }
                }
            }
        }
        if changed {
            fired.push((step.id.clone(), step.text.clone()));
        }
        possible = next;
    }
    let live: Vec<&String> = values
        .iter()
        .zip(&possible)
        .filter(|(_, p)| **p)
        .map(|(v, _)| v)
        .collect();
    let required = (live.len() == 1).then(|| live[0].clone());
    RegimeResult {
        required,
        fired,
        unknown: if live.len() == 1 {
            Vec::new()
        } else {
            unknown.reasons.into_iter().map(Cow::into_owned).collect()
        },
    }
}
