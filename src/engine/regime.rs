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
    let mut next: Vec<bool> = vec![false; values.len()];
    let mut fired = Vec::new();
    let mut unknown = Unknown::default();
    let ends = &pack.program.regime_steps;
    for (k, step) in pack.regime.steps.iter().enumerate() {
        let cond = step.when.eval(env);
        // The step's target and source, found once per pack (see `Program::regime_steps`).
        let Some(&Some((to, from))) = ends.get(k) else {
            continue;
        };
        next.fill(false);
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
        std::mem::swap(&mut possible, &mut next);
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
