//! Layers (issue 35): the `base:` each authority builds on, checked once
//! the root's authorities are read.
//!
//! A base must be a layer (`kind: layer`) of the root, in the same
//! jurisdiction, and following bases must never come back to where they
//! started; a layer must name its `publisher:`. Each problem is an error at
//! its line, and the `base:` it is about is then left out, so later stages
//! see only chains that end at the model. An authority also takes, from the
//! layers under it, each variable and local term it does not set itself.
//!
//! It reads only the `authority.yaml` of a base that the run did not ask
//! for (through the caller); it overlays nothing.

use std::collections::BTreeSet;

use crate::model::authority::Authority;
use crate::support::diagnostic::{did_you_mean, Diagnostic, Diagnostics};

/// The slugs of the bases named by `authorities` that are not among them,
/// sorted: the run must load them too, since an edition is built on them.
pub(super) fn missing_bases(authorities: &[&Authority], known: &[String]) -> Vec<String> {
    let have: BTreeSet<&str> = authorities.iter().map(|a| a.slug.as_str()).collect();
    let wanted: BTreeSet<String> = authorities
        .iter()
        .filter_map(|a| a.config.base.clone())
        .filter(|b| !have.contains(b.as_str()) && known.contains(b))
        .collect();
    wanted.into_iter().collect()
}

/// Checks every `base:` of `authorities` (each problem reported at its
/// line, and that `base:` left out), then gives each authority the
/// variables and terms of the layers under it that it does not set.
pub(super) fn settle(authorities: &mut [Authority], diagnostics: &Diagnostics) {
    let mut wrong = Vec::new();
    for (i, authority) in authorities.iter().enumerate() {
        if let Some(problem) = base_problem(authority, authorities) {
            diagnostics.push(problem);
            wrong.push(i);
        }
        if authority.config.is_layer() && authority.config.publisher.is_none() {
            let at = authority.setting_span("kind");
            diagnostics.push(
                Diagnostic::error(
                    "layer-without-publisher",
                    "this layer does not say whose words its text is",
                )
                .at(&authority.config_file, at.0, at.1)
                .hint("add `publisher:` with the name of the body that keeps the layer, such as `publisher: \"The South West Safeguarding Partnership\"`: every edition built on the layer names it beside the layer's text"),
            );
        }
    }
    for i in wrong {
        authorities[i].config.base = None;
    }
    let inherited: Vec<_> = (0..authorities.len())
        .map(|i| {
            let mut variables = std::collections::BTreeMap::new();
            let mut terms = std::collections::BTreeMap::new();
            for layer in chain(&authorities[i], authorities) {
                variables.extend(layer.config.variables.clone());
                terms.extend(layer.config.terms.clone());
            }
            (variables, terms)
        })
        .collect();
    for (authority, (variables, terms)) in authorities.iter_mut().zip(inherited) {
        for (name, value) in variables {
            authority.config.variables.entry(name).or_insert(value);
        }
        for (term, local) in terms {
            authority.config.terms.entry(term).or_insert(local);
        }
    }
}

/// The layers `authority` builds on, the one next to the model first and
/// its own base last; empty without `base:`. Stops at a base not loaded
/// and at a loop (both reported by [`settle`]).
pub fn chain<'a>(authority: &Authority, authorities: &'a [Authority]) -> Vec<&'a Authority> {
    let mut found: Vec<&'a Authority> = Vec::new();
    let mut next = authority.config.base.as_deref();
    while let Some(slug) = next {
        let Some(layer) = authorities.iter().find(|a| a.slug == slug) else {
            break;
        };
        if layer.slug == authority.slug || found.iter().any(|f| f.slug == layer.slug) {
            break;
        }
        found.push(layer);
        next = layer.config.base.as_deref();
    }
    found.reverse();
    found
}

/// What is wrong with `authority`'s `base:`, if anything: a base that is
/// not a folder of the root, that is a council, that is of another
/// jurisdiction, or that comes back round to `authority`.
fn base_problem(authority: &Authority, authorities: &[Authority]) -> Option<Diagnostic> {
    let slug = authority.config.base.as_deref()?;
    let at = authority.setting_span("base");
    let error = |code: &'static str, message: String| {
        Diagnostic::error(code, message).at(&authority.config_file, at.0, at.1)
    };
    let layers = authorities.iter().filter(|a| a.config.is_layer());
    let Some(base) = authorities.iter().find(|a| a.slug == slug) else {
        return Some(error("unknown-base", format!("there is no layer `{slug}` to build on")).hint(
            did_you_mean(
                slug,
                layers.map(|a| a.slug.as_str()),
                "`base:` names the folder of a layer under `local-overrides/`, one whose `authority.yaml` says `kind: layer`",
            ),
        ));
    };
    if !base.config.is_layer() {
        return Some(
            error("base-not-layer", format!("`{slug}` is a council, not a layer, so no edition can build on it"))
                .hint(format!("name a layer (an `authority.yaml` with `kind: layer`){}; to share `{slug}`'s text, move it into a layer that both build on", layer_list(authorities))),
        );
    }
    if base.config.jurisdiction != authority.config.jurisdiction {
        return Some(
            error(
                "base-jurisdiction",
                format!(
                    "the layer `{slug}` is for {}, but this is for {}: its text would cite the wrong law",
                    base.config.jurisdiction.label(),
                    authority.config.jurisdiction.label()
                ),
            )
            .hint("build on a layer of the same jurisdiction, or take out `base:`"),
        );
    }
    let mut path = vec![authority.slug.as_str()];
    let mut next = Some(slug);
    while let Some(step) = next {
        path.push(step);
        if step == authority.slug {
            return Some(
                error("base-loop", format!("the layers this builds on come back round to it: {}", path.join(" → ")))
                    .hint("take `base:` out of one of them: the model must be at the bottom of every edition"),
            );
        }
        if path[..path.len() - 1].contains(&step) {
            // A loop further down, reported at the layer in it.
            return None;
        }
        next = authorities
            .iter()
            .find(|a| a.slug == step)
            .and_then(|a| a.config.base.as_deref());
    }
    None
}

/// ", such as `a` or `b`" for the root's layers, or "" when it has none.
fn layer_list(authorities: &[Authority]) -> String {
    let layers: Vec<String> = authorities
        .iter()
        .filter(|a| a.config.is_layer())
        .map(|a| format!("`{}`", a.slug))
        .collect();
    if layers.is_empty() {
        String::new()
    } else {
        format!(", such as {}", layers.join(" or "))
    }
}
