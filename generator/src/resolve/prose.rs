//! Sentences of the document's descriptions that decide a behaviour, found
//! and quoted whole, so that the decision is shown with its reason.

/// The sentence of `text` holding the first of `needles` it contains (any
/// case), trimmed. Google's descriptions often lose their line breaks
/// ("... * names Mutate requests for the same user ..."), so a sentence also
/// starts where a capitalised word follows a lower-case one with no
/// punctuation between them.
pub fn sentence_with(text: &str, needles: &[&str]) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = needles.iter().filter_map(|needle| lower.find(&needle.to_ascii_lowercase())).min()?;
    let start = sentence_start(text, at);
    let end = text[at..].find(". ").map_or(text.len(), |offset| at + offset + 1);
    Some(text[start..end].trim().to_owned())
}

/// Where the sentence holding byte `at` starts: after the last `. ` (or
/// line break) before it, or at a capitalised word that follows a lower-case
/// word directly, whichever is nearer.
fn sentence_start(text: &str, at: usize) -> usize {
    let before = &text[..at];
    let after_stop = [". ", ".\n", "\n", ": "]
        .iter()
        .filter_map(|stop| before.rfind(stop).map(|index| index + stop.len()))
        .max()
        .unwrap_or(0);
    let words: Vec<(usize, &str)> = before
        .char_indices()
        .filter(|&(index, ch)| {
            !ch.is_whitespace() && (index == 0 || before[..index].ends_with(char::is_whitespace))
        })
        .map(|(index, _)| (index, before[index..].split_whitespace().next().unwrap_or_default()))
        .collect();
    let lost_break = words
        .windows(2)
        .filter(|pair| {
            let (previous, word) = (pair[0].1, pair[1].1);
            previous.chars().last().is_some_and(|ch| ch.is_ascii_lowercase())
                && word.chars().next().is_some_and(|ch| ch.is_ascii_uppercase())
                && word.chars().skip(1).all(|ch| ch.is_ascii_lowercase())
        })
        .map(|pair| pair[1].0)
        .filter(|&index| index >= after_stop)
        .max();
    lost_break.unwrap_or(after_stop)
}

#[cfg(test)]
mod tests {
    use super::sentence_with;

    #[test]
    fn a_sentence_is_quoted_whole_even_where_line_breaks_were_lost() {
        let text = "Create a contact. The request returns a 400 error if more than one field is \
                    specified: * biographies * names Mutate requests for the same user should be \
                    sent sequentially to avoid increased latency and failures.";
        assert_eq!(
            sentence_with(text, &["sent sequentially"]).as_deref(),
            Some(
                "Mutate requests for the same user should be sent sequentially to avoid \
                 increased latency and failures."
            )
        );
        let search = "Provides a list of contacts. **IMPORTANT**: Before searching, clients \
                      should send a warmup request with an empty query to update the cache. See \
                      the guide.";
        assert_eq!(
            sentence_with(search, &["warmup"]).as_deref(),
            Some(
                "Before searching, clients should send a warmup request with an empty query to \
                 update the cache."
            )
        );
        assert_eq!(sentence_with("Nothing here.", &["warmup"]), None);
    }
}
