//! The approval regime: the pack's steps run over every regime still possible.

use std::borrow::Cow;

use super::rule::truth;
use super::slots::{Slots, ev};
use super::{RegimeResult, SharedStr};
use crate::expr::{Unknown, Value};
use crate::pack::Pack;

/// The regime decided, and the position of the required regime among the pack's.
pub(super) struct Decision {
    pub(super) result: RegimeResult,
    pub(super) required_at: Option<usize>,
}

/// `bufs`: two buffers reused from one filing to the next.
pub(super) fn decide_regime(
    pack: &Pack,
    env: &Slots<'_>,
    bufs: &mut (Vec<bool>, Vec<bool>),
) -> Decision {
    let values = &pack.regime.values;
    let (possible, next) = (&mut bufs.0, &mut bufs.1);
    possible.clear();
    possible.resize(values.len(), true);
    next.clear();
    next.resize(values.len(), false);
    let mut fired = Vec::new();
    let mut unknown = Unknown::default();
    let ends = &pack.program.regime_steps;
    for (k, step) in pack.regime.steps.iter().enumerate() {
        let cond = ev(&step.when, env, env.reference);
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
        if changed && let Some((id, text)) = pack.program.regime_fired.get(k) {
            fired.push((id.clone(), text.clone()));
        }
        std::mem::swap(possible, next);
    }
    let mut live = possible
        .iter()
        .enumerate()
        .filter(|(_, p)| **p)
        .map(|(v, _)| v);
    let required_at = match (live.next(), live.next()) {
        (Some(v), None) => Some(v),
        _ => None,
    };
    let required = required_at.map(|v| match pack.program.regime_values.get(v) {
        Some((s, _)) => s.clone(),
        None => SharedStr::from(values[v].as_str()),
    });
    Decision {
        result: RegimeResult {
            required,
            fired,
            unknown: if required_at.is_some() {
                Vec::new()
            } else {
                unknown.reasons.into_iter().map(Cow::into_owned).collect()
            },
        },
        required_at,
    }
}
