//! Pages read as a browser reads them, for tests that check structure: a
//! built page is parsed by `scraper` (html5ever, the parser the sanitiser
//! already uses) and queried with CSS selectors, so a test says "the link
//! in the steps list marked as the current page goes to step 3" rather
//! than matching a substring of HTML that any harmless change of attribute
//! order or whitespace would break.
//!
//! ```ignore
//! let page = Html::parse(&read(out.join("step-3.html")));
//! assert_eq!(page.one("html").attr("lang"), Some("en-GB"));
//! assert_eq!(page.all("nav.steps-nav a").len(), 7);
//! assert_eq!(page.one("h1").text(), "Step Three: Agreeing my plan");
//! ```
//!
//! Every query that expects something names its selector when it finds
//! otherwise, so a failure says what was looked for.

use scraper::{ElementRef, Selector};

/// A parsed page.
pub struct Html(scraper::Html);

/// One element of a parsed page.
#[derive(Clone, Copy)]
pub struct Element<'a>(ElementRef<'a>);

/// The elements a selector found, in document order.
pub struct Selection<'a> {
    selector: String,
    elements: Vec<Element<'a>>,
}

/// Elements whose text runs on with the text around them; every other
/// element starts and ends a run of text, as a block does on screen.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Elements whose content a reader never sees as text.
const UNSEEN: &[&str] = &["script", "style", "template", "head"];

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("not a CSS selector: {css:?}: {e}"))
}

impl Html {
    /// Parses a whole page (or a piece of one) as a browser would.
    pub fn parse(text: &str) -> Html {
        Html(scraper::Html::parse_document(text))
    }

    /// The page's `<html>` element.
    pub fn root(&self) -> Element<'_> {
        Element(self.0.root_element())
    }

    /// The page's text as a reader sees it: see [`Element::text`].
    pub fn text(&self) -> String {
        self.root().text()
    }

    /// The page's text leaving out the elements matching `css`: see
    /// [`Element::text_without`].
    pub fn text_without(&self, css: &str) -> String {
        self.root().text_without(css)
    }
}

/// Queries by CSS selector, of a whole page (`&Html`, where the `<html>`
/// element itself can match) or inside one element (`Element`, where
/// `:scope` is that element and it does not match itself).
pub trait Query<'a>: Sized {
    /// Every element matching `css`, in document order.
    fn all(self, css: &str) -> Selection<'a>;

    /// The one element matching `css`; panics, naming the selector, if
    /// there is none or more than one.
    fn one(self, css: &str) -> Element<'a> {
        self.all(css).one()
    }

    /// The first element matching `css`, if any.
    fn first(self, css: &str) -> Option<Element<'a>> {
        self.all(css).first()
    }

    /// How many elements match `css`.
    fn count(self, css: &str) -> usize {
        self.all(css).len()
    }

    /// Whether any element matches `css`.
    fn has(self, css: &str) -> bool {
        !self.all(css).is_empty()
    }
}

impl<'a> Query<'a> for &'a Html {
    fn all(self, css: &str) -> Selection<'a> {
        let wanted = selector(css);
        let elements = self
            .0
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|element| wanted.matches(element))
            .map(Element)
            .collect();
        Selection {
            selector: css.to_string(),
            elements,
        }
    }
}

impl<'a> Query<'a> for Element<'a> {
    fn all(self, css: &str) -> Selection<'a> {
        Selection {
            selector: css.to_string(),
            elements: self.0.select(&selector(css)).map(Element).collect(),
        }
    }
}

impl<'a> Element<'a> {
    /// The element's name, such as `a` or `h2`.
    pub fn name(&self) -> &'a str {
        self.0.value().name()
    }

    /// The value of an attribute, if the element has it.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.0.value().attr(name)
    }

    /// Whether the element has a class.
    pub fn has_class(&self, class: &str) -> bool {
        self.0.value().classes().any(|c| c == class)
    }

    /// The element's text as a reader sees it: character references
    /// decoded, scripts and styles left out, a space between blocks (and
    /// none inside a run of inline text), whitespace collapsed (but a
    /// non-breaking space kept).
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(self.0, &|_| false, &mut out);
        collapse(&out)
    }

    /// The element's text as [`Element::text`] gives it, leaving out the
    /// elements matching `css` (this one included) and all they hold: the
    /// words of a Welsh page outside its parts marked as English.
    pub fn text_without(&self, css: &str) -> String {
        let unwanted = selector(css);
        let mut out = String::new();
        collect_text(self.0, &|e| unwanted.matches(e), &mut out);
        collapse(&out)
    }

    /// The text directly inside the element, leaving out what its child
    /// elements hold (a date before a link: `<dd>1 June 2026 <a>…</a></dd>`).
    pub fn own_text(&self) -> String {
        let own: String = self
            .0
            .children()
            .filter_map(|child| child.value().as_text().map(|text| &**text))
            .collect();
        collapse(&own)
    }

    /// The element that follows this one under the same parent, if any.
    pub fn next(&self) -> Option<Element<'a>> {
        self.0
            .next_siblings()
            .find_map(ElementRef::wrap)
            .map(Element)
    }

    /// The element as HTML, for failure messages.
    pub fn html(&self) -> String {
        self.0.html()
    }

    /// Whether this element starts before `other` in the page.
    pub fn is_before(&self, other: &Element<'_>) -> bool {
        let (this, that) = (self.0.id(), other.0.id());
        let top = self.0.ancestors().last().unwrap_or(*self.0);
        top.descendants()
            .map(|node| node.id())
            .find(|id| *id == this || *id == that)
            .is_some_and(|id| id == this && this != that)
    }
}

/// Whitespace collapsed as HTML collapses it: a non-breaking space is a
/// character of the text, not a space to collapse.
fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn collect_text(element: ElementRef<'_>, skip: &dyn Fn(&ElementRef) -> bool, out: &mut String) {
    let name = element.value().name();
    if UNSEEN.contains(&name) || skip(&element) {
        return;
    }
    let block = !INLINE.contains(&name);
    if block {
        out.push(' ');
    }
    for child in element.children() {
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(inner) = ElementRef::wrap(child) {
            collect_text(inner, skip, out);
        }
    }
    if block {
        out.push(' ');
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.html())
    }
}

impl<'a> Selection<'a> {
    /// How many elements were found.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether none was found.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The one element found; panics, naming the selector, if there is none
    /// or more than one.
    pub fn one(&self) -> Element<'a> {
        match self.elements.as_slice() {
            [only] => *only,
            found => panic!(
                "expected one element for {:?}, found {}: {found:?}",
                self.selector,
                found.len()
            ),
        }
    }

    /// The first element found, if any.
    pub fn first(&self) -> Option<Element<'a>> {
        self.elements.first().copied()
    }

    /// The elements found.
    pub fn iter(&self) -> impl Iterator<Item = Element<'a>> + '_ {
        self.elements.iter().copied()
    }

    /// Each element's text, as [`Element::text`] gives it.
    pub fn texts(&self) -> Vec<String> {
        self.iter().map(|e| e.text()).collect()
    }

    /// The values of an attribute, of the elements that have it.
    pub fn attrs(&self, name: &str) -> Vec<&'a str> {
        self.iter().filter_map(|e| e.attr(name)).collect()
    }

    /// The elements whose text is exactly `text`.
    pub fn with_text(&self, text: &str) -> Selection<'a> {
        self.filtered(&format!("with text {text:?}"), |e| e.text() == text)
    }

    /// The elements whose text contains `part`.
    pub fn containing(&self, part: &str) -> Selection<'a> {
        self.filtered(&format!("containing {part:?}"), |e| e.text().contains(part))
    }

    fn filtered(&self, what: &str, keep: impl Fn(&Element<'a>) -> bool) -> Selection<'a> {
        Selection {
            selector: format!("{} {what}", self.selector),
            elements: self.iter().filter(|e| keep(e)).collect(),
        }
    }
}

impl<'a> IntoIterator for Selection<'a> {
    type Item = Element<'a>;
    type IntoIter = std::vec::IntoIter<Element<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.elements.into_iter()
    }
}
