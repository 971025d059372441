//! The languages a policy lead writes in: Markdown (one dialect), YAML front
//! matter and files, raw HTML made safe, and local terms found in text.
//!
//! Each file here is the one place that talks to its library
//! (pulldown-cmark, serde-saphyr, ammonia). Imports only `support`.

pub mod frontmatter;
pub mod markdown;
pub mod sanitize;
pub mod terms;
