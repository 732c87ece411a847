//! Descriptions into doc comments that rustdoc and clippy accept as they are:
//! bare URLs become autolinks, the few HTML tags descriptions use for layout
//! become Markdown and all other HTML is escaped, stray brackets are escaped,
//! indented text cannot turn into doctests, lists written inline ("Valid
//! values are: * a * b") are put one item a line, and list continuations are
//! indented.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for a description and any extra paragraphs.
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    quote! { #( #[doc = #lines] )* }
}

/// The lines of a doc comment, each with the leading space `///` gets.
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let text = paragraphs
        .into_iter()
        .map(sanitize)
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    text.lines()
        .map(|line| if line.is_empty() { String::new() } else { format!(" {line}") })
        .collect()
}

/// Puts the items of lists that descriptions write inline, one after another
/// on one line ("Valid values are: * addresses * ageRanges"), on lines of
/// their own, so that Markdown shows the list. A line is such a list when it
/// has at least two `*` standing alone (between spaces, outside code spans:
/// never emphasis) and the text before the first one ends with `:` or is
/// empty (the line is a list item already). Other lines, and code fences, are
/// kept as they are.
/// A plain function of the text, for every place that shows descriptions.
pub fn inline_lists(description: &str) -> String {
    let mut out = String::with_capacity(description.len() + 32);
    let mut in_fence = false;
    for (index, line) in description.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let pieces = lone_star_pieces(line.trim_start());
        let lead = pieces.first().map_or("", |lead| lead.trim_end());
        if pieces.len() < 3 || !(lead.is_empty() || lead.ends_with(':')) {
            out.push_str(line);
            continue;
        }
        if !lead.is_empty() {
            out.push_str(indent);
            out.push_str(lead);
            out.push('\n');
        }
        let mut items: Vec<&str> =
            pieces[1..].iter().map(|item| item.trim()).filter(|item| !item.is_empty()).collect();
        // A list of single words ends at its last word: the text after it
        // ("* genders * names Mutate requests ...") is the next paragraph.
        let mut after = None;
        if let Some((last, words)) = items.split_last() {
            if !words.is_empty() && words.iter().all(|word| !word.contains(char::is_whitespace)) {
                if let Some((word, rest)) = last.split_once(char::is_whitespace) {
                    after = Some(rest.trim_start());
                    let last_index = words.len();
                    items[last_index] = word;
                }
            }
        }
        let items: Vec<String> = items.iter().map(|item| format!("{indent}* {item}")).collect();
        out.push_str(&items.join("\n"));
        if let Some(after) = after {
            out.push_str("\n\n");
            out.push_str(indent);
            out.push_str(after);
        }
    }
    out
}

/// `line` split at each `*` that stands alone outside code spans.
fn lone_star_pieces(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    // With an unbalanced backtick there are no code spans: every `*` counts.
    let track_code = line.matches('`').count() % 2 == 0;
    let mut in_code = false;
    let bytes = line.as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        match byte {
            b'`' if track_code => in_code = !in_code,
            b'*' if !in_code => {
                let before = at == 0 || bytes[at - 1].is_ascii_whitespace();
                let after = bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace);
                if before && after {
                    pieces.push(&line[start..at]);
                    start = at + 1;
                }
            }
            _ => {}
        }
    }
    pieces.push(&line[start..]);
    pieces
}

/// Rewrites one description as safe Markdown.
pub fn sanitize(text: &str) -> String {
    let mut lines = Vec::new();
    let mut in_fence = false;
    let mut list_indent: Option<usize> = None;
    for raw in inline_lists(&text.replace("\r\n", "\n")).lines() {
        let line = raw.trim();
        if line.starts_with("```") {
            let info = line.trim_start_matches('`').trim();
            lines.push(if in_fence || !info.is_empty() {
                line.to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
            continue;
        }
        if line.is_empty() {
            list_indent = None;
            end_paragraph(&mut lines);
            continue;
        }
        // A `<br>` became a line break: the text after it is a new paragraph.
        for (index, piece) in escape_inline(line).split('\n').enumerate() {
            if index > 0 {
                list_indent = None;
                end_paragraph(&mut lines);
            }
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            match (list_marker_width(piece), list_indent) {
                (Some(width), _) => {
                    // One space after the marker: more would move the item's
                    // text (and so the indentation its continuations need).
                    let (marker, text) = piece.split_at(width - 1);
                    list_indent = Some(width);
                    lines.push(format!("{marker} {}", text.trim_start()));
                }
                (None, Some(width)) => lines.push(format!("{}{piece}", " ".repeat(width))),
                (None, None) => lines.push(piece.to_owned()),
            }
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

/// Ends the paragraph with one blank line, however many breaks the text has.
fn end_paragraph(lines: &mut Vec<String>) {
    if lines.last().is_some_and(|line| !line.is_empty()) {
        lines.push(String::new());
    }
}

/// The width of a list marker (`* `, `- `, `+ `, `12. `, `3) `) that starts
/// the line, with one space (or tab) after it; the item's text starts there
/// once [`sanitize`] leaves one space.
fn list_marker_width(line: &str) -> Option<usize> {
    let space_after = |at: usize| line[at..].starts_with([' ', '\t']);
    if line.starts_with(['*', '-', '+']) && space_after(1) {
        return Some(2);
    }
    // CommonMark's ordered markers have at most nine digits.
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && digits <= 9 && line[digits..].starts_with(['.', ')']) && space_after(digits + 1))
        .then_some(digits + 2)
}

/// Escapes one line outside code spans: HTML, brackets that are not links,
/// bare URLs.
fn escape_inline(line: &str) -> String {
    let balanced_ticks = line.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(line.len() + 16);
    let mut in_code = false;
    let mut rest = line;
    while let Some(ch) = rest.chars().next() {
        if ch == '`' {
            if balanced_ticks {
                in_code = !in_code;
                out.push('`');
            } else {
                out.push_str("\\`");
            }
            rest = &rest[1..];
            continue;
        }
        if in_code {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || "<>\"'`()[]{}".contains(c))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if ch == '<' {
            if let Some((markdown, tag_len)) = layout_tag(rest) {
                out.push_str(markdown);
                rest = &rest[tag_len..];
                continue;
            }
        }
        if ch == '[' {
            if let Some(link_len) = markdown_link_len(rest) {
                out.push_str(&rest[..link_len]);
                rest = &rest[link_len..];
                continue;
            }
        }
        match ch {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' => out.push_str("\\\\"),
            '#' if out.is_empty() => out.push_str("\\#"),
            other => out.push(other),
        }
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// The Markdown for an HTML layout tag at the start of `text`, and the tag's
/// length: `<br>` ends the paragraph, `<var>`, `<em>` and `<i>` emphasise,
/// `<b>` and `<strong>` make bold. Any other tag is not layout and is shown.
fn layout_tag(text: &str) -> Option<(&'static str, usize)> {
    let end = text.find('>')?;
    let tag = text[1..end].trim().trim_end_matches('/').trim_end().to_ascii_lowercase();
    let markdown = match tag.as_str() {
        "br" => "\n",
        "var" | "/var" | "em" | "/em" | "i" | "/i" => "*",
        "b" | "/b" | "strong" | "/strong" => "**",
        _ => return None,
    };
    Some((markdown, end + 1))
}

/// The length of a `[text](http...)` link at the start of `text`, if there is one.
fn markdown_link_len(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    let label = &text[1..close];
    if label.is_empty() || label.contains(['[', '`']) {
        return None;
    }
    let target = text[close + 1..].strip_prefix('(')?;
    if !(target.starts_with("http://") || target.starts_with("https://") || target.starts_with('/'))
    {
        return None;
    }
    let end = target.find(')')?;
    if target[..end].contains(char::is_whitespace) {
        return None;
    }
    let url_start = close + 2;
    let relative = target.starts_with('/');
    // A site-relative link cannot resolve in rustdoc; keep only the label.
    if relative { None } else { Some(url_start + end + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(sanitize("See https://example.com/a_b."), "See <https://example.com/a_b>.");
    }

    #[test]
    fn markdown_links_survive_and_stray_brackets_are_escaped() {
        assert_eq!(
            sanitize("[docs](https://x.dev/p) and [a] b"),
            "[docs](https://x.dev/p) and \\[a\\] b"
        );
    }

    #[test]
    fn html_is_escaped_outside_code_spans() {
        assert_eq!(
            sanitize("An <iframe> tag, a < b && c > d, `<code>`"),
            "An &lt;iframe&gt; tag, a &lt; b &amp;&amp; c &gt; d, `<code>`"
        );
    }

    #[test]
    fn layout_tags_become_markdown() {
        assert_eq!(
            sanitize("Gets it.\n<br>\nFails with 400 if `people/`<var>id</var> is <B>bad</B>."),
            "Gets it.\n\nFails with 400 if `people/`*id* is **bad**."
        );
        assert_eq!(sanitize("one<br/>two<br />three"), "one\n\ntwo\n\nthree");
        assert_eq!(sanitize("`<br>` stays code"), "`<br>` stays code");
    }

    #[test]
    fn indented_text_cannot_become_a_doctest() {
        assert_eq!(sanitize("Example:\n\n    let x = 1;"), "Example:\n\nlet x = 1;");
        assert_eq!(sanitize("```\ncode\n```"), "```text\ncode\n```");
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(sanitize("* item one\ncontinued\n\nafter"), "* item one\n  continued\n\nafter");
        assert_eq!(sanitize("1) one\ntwo"), "1) one\n   two", "`)` ends an ordered marker too");
        assert_eq!(sanitize("*   wide\nnext"), "* wide\n  next", "one space after the marker");
        assert_eq!(sanitize("-\ttab\nnext"), "- tab\n  next");
        assert_eq!(sanitize("1234567890. not a list\nnext"), "1234567890. not a list\nnext");
    }

    #[test]
    fn inline_lists_are_split_before_sanitizing() {
        assert_eq!(sanitize("Valid: * a * b\nmore"), "Valid:\n* a\n* b\n  more");
        assert_eq!(inline_lists("```\nx: * a * b\n```"), "```\nx: * a * b\n```", "code is code");
    }
}
