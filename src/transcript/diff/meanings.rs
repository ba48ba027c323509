//! What each difference means, in one line for people, from the grammar's AST of the
//! original (not normalised) messages: "the server answered NO instead of OK",
//! "message 3 lost \\Seen", "an EXISTS response is missing".

use super::*;

/// What the differences between two paired exchanges mean, one line each.
pub(super) fn meanings(a: &Exchange, b: &Exchange, rules: &Rules) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(x), Some(y)) = (&a.command, &b.command) {
        if x.lines != y.lines {
            let (said, other_command) = command_meaning(x, y, rules);
            out.extend(said);
            if other_command {
                // Two different commands paired by position: what their answers
                // differ in says nothing more.
                return out;
            }
        }
    }
    // The tagged completion.
    fn tagged(e: &Exchange) -> Option<&Item> {
        e.items.iter().find(|i| i.kind == Kind::Tagged)
    }
    match (tagged(a), tagged(b)) {
        (Some(x), Some(y)) if x.lines != y.lines => {
            out.extend(tagged_meaning(x, y, rules, (&a.tag, &b.tag)))
        }
        (Some(_), None) => out.push("the command got no tagged completion".into()),
        (None, Some(_)) => out
            .push("the command got a tagged completion the expected session does not have".into()),
        _ => {}
    }
    out.extend(continuation_meanings(a, b));
    if keys_of(a, &Kind::ClientData) != keys_of(b, &Kind::ClientData) {
        out.push("what the client sent inside the exchange differs".into());
    }
    if let (Some(x), Some(y)) = (
        a.items.iter().find(|i| i.kind == Kind::Greeting),
        b.items.iter().find(|i| i.kind == Kind::Greeting),
    ) {
        if x.lines != y.lines {
            out.extend(untagged_pair_meaning(x, y, true, rules));
        }
    }
    // Untagged responses, bag by bag, matched by identity.
    let (bags_a, bags_b) = (bags(a), bags(b));
    for k in 0..bags_a.len().max(bags_b.len()) {
        let none = Vec::new();
        let xs = bags_a.get(k).unwrap_or(&none);
        let ys = bags_b.get(k).unwrap_or(&none);
        out.extend(bag_meanings(a, xs, b, ys, rules));
    }
    // EXPUNGEs: fixed points, compared in order.
    let expunges = |e: &Exchange| -> Vec<u32> {
        e.items
            .iter()
            .filter_map(|i| match &i.kind {
                Kind::Untagged {
                    identity: Identity::Expunge(n),
                    ..
                } => Some(*n),
                _ => None,
            })
            .collect()
    };
    let (ea, eb) = (expunges(a), expunges(b));
    if ea != eb {
        out.push(format!(
            "the EXPUNGE responses are {} instead of {}",
            list_or_none(&eb),
            list_or_none(&ea)
        ));
    }
    if out.is_empty() {
        out.push("the lines differ".into());
    }
    out
}

/// Continuation requests: one missing or extra, or their text changed.
fn continuation_meanings(a: &Exchange, b: &Exchange) -> Vec<String> {
    let mut out = Vec::new();
    let count = |e: &Exchange, k: &Kind| e.items.iter().filter(|i| i.kind == *k).count();
    let (ca, cb) = (count(a, &Kind::Continuation), count(b, &Kind::Continuation));
    if ca > cb {
        out.push(plural(
            ca - cb,
            "a continuation request (+) is missing",
            "continuation requests (+) are missing",
        ));
    } else if cb > ca {
        out.push(plural(
            cb - ca,
            "the server sent an extra continuation request (+)",
            "extra continuation requests (+)",
        ));
    } else {
        if keys_of(a, &Kind::Continuation) != keys_of(b, &Kind::Continuation) {
            out.push("a continuation request's text differs".into());
        }
    }
    out
}

/// The comparison keys of an exchange's messages of one kind, in order.
fn keys_of(e: &Exchange, kind: &Kind) -> Vec<String> {
    e.items
        .iter()
        .filter(|i| i.kind == *kind)
        .map(Item::key)
        .collect()
}

fn list_or_none(numbers: &[u32]) -> String {
    if numbers.is_empty() {
        "none".into()
    } else {
        numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{n} {many}")
    }
}

/// What differs in the command; the flag is true when they are different commands.
fn command_meaning(x: &Item, y: &Item, rules: &Rules) -> (Vec<String>, bool) {
    let px = parse_command(&x.message.grammar_text());
    let py = parse_command(&y.message.grammar_text());
    let text = |i: &Item| {
        let first = i.lines.first().map(String::as_str).unwrap_or("");
        first.strip_prefix("C: ").unwrap_or(first).to_string()
    };
    if px.name != py.name {
        let said = format!(
            "the client sent {} where the expected session has {}",
            py.name.unwrap_or("an unknown command"),
            px.name.unwrap_or("an unknown command")
        );
        return (vec![said], true);
    }
    let mut out = Vec::new();
    let same_body = matches!((&px.command, &py.command), (Some(a), Some(b)) if a.body == b.body);
    if same_body && px.tag != py.tag && !rules.has(Rule::Tags) {
        out.push(format!(
            "the client's tag is {} instead of {}",
            py.tag.unwrap_or_default(),
            px.tag.unwrap_or_default()
        ));
    } else if x.lines.first() != y.lines.first() {
        out.push(format!(
            "the client sent `{}` instead of `{}`",
            text(y),
            text(x)
        ));
    }
    out.extend(literal_size_meaning(
        "the command's literal",
        &x.message,
        &y.message,
    ));
    if out.is_empty() {
        out.push("the command's literal data differs".into());
    }
    (out, false)
}

/// Text as a rule would leave it: two values that normalise alike are not a difference.
fn norm(rules: &Rules, text: &str, greeting: bool) -> String {
    String::from_utf8_lossy(&rules.line(Direction::Server, text.as_bytes(), greeting)).into_owned()
}

fn same_code(rules: &Rules, a: Option<&Code>, b: Option<&Code>) -> bool {
    let show = |c: Option<&Code>| c.map(|c| norm(rules, &format!("[{}]", code_text(c)), false));
    show(a) == show(b)
}

/// `tags`: the two commands' own tags; a completion that carries its command's tag
/// has no tag problem of its own.
fn tagged_meaning(
    x: &Item,
    y: &Item,
    rules: &Rules,
    tags: (&Option<String>, &Option<String>),
) -> Vec<String> {
    let px = parse_response(&x.message.grammar_text());
    let py = parse_response(&y.message.grammar_text());
    let mut out = Vec::new();
    match (px.response, py.response) {
        (
            Some(Response::Tagged {
                tag: ta,
                status: sa,
                code: ca,
                text: xa,
            }),
            Some(Response::Tagged {
                tag: tb,
                status: sb,
                code: cb,
                text: xb,
            }),
        ) => {
            if sa != sb {
                out.push(format!(
                    "the server answered {} instead of {}",
                    sb.name(),
                    sa.name()
                ));
            }
            if !same_code(rules, ca.as_ref(), cb.as_ref()) {
                out.extend(code_meanings("the completion", ca.as_ref(), cb.as_ref()));
            }
            let own =
                tags.0.as_deref() == Some(ta.as_str()) && tags.1.as_deref() == Some(tb.as_str());
            if ta != tb && !own && !rules.has(Rule::Tags) {
                out.push(format!("the completion's tag is {tb} instead of {ta}"));
            }
            if sa == sb && norm(rules, &xa, false) != norm(rules, &xb, false) {
                out.push(format!(
                    "the completion's text is \"{xb}\" instead of \"{xa}\""
                ));
            }
        }
        _ => out.push("the tagged completion differs".into()),
    }
    out
}

/// What changed between two response codes, said as precisely as their kind allows.
fn code_meanings(what: &str, a: Option<&Code>, b: Option<&Code>) -> Vec<String> {
    match (a, b) {
        (Some(Code::Capability(a)), Some(Code::Capability(b))) => {
            set_change(&format!("{what}'s capability list"), a, b)
        }
        (Some(Code::PermanentFlags(a)), Some(Code::PermanentFlags(b))) => {
            set_change("PERMANENTFLAGS", &flag_names(a), &flag_names(b))
        }
        (Some(a), Some(b)) if a.name() == b.name() => {
            vec![format!(
                "{} is {} instead of {}",
                a.name(),
                code_value(b),
                code_value(a)
            )]
        }
        (a, b) => vec![code_change(what, a, b)],
    }
}

fn code_change(whose: &str, a: Option<&Code>, b: Option<&Code>) -> String {
    let show = |c: Option<&Code>| {
        c.map_or("no response code".to_string(), |c| {
            format!("[{}]", code_text(c))
        })
    };
    format!("{whose} has {} instead of {}", show(b), show(a))
}

fn code_text(code: &Code) -> String {
    match code {
        Code::UidNext(n) | Code::UidValidity(n) | Code::Unseen(n) => format!("{} {n}", code.name()),
        Code::HighestModSeq(n) => format!("{} {n}", code.name()),
        Code::Other {
            name,
            argument: Some(a),
        } => format!("{name} {a}"),
        Code::AppendUid { validity, uids } => format!("APPENDUID {validity} {uids}"),
        Code::CopyUid {
            validity,
            source,
            destination,
        } => format!("COPYUID {validity} {source} {destination}"),
        Code::Capability(list) | Code::BadCharset(list) => {
            format!("{} {}", code.name(), list.join(" "))
        }
        Code::PermanentFlags(flags) => format!("{} ({})", code.name(), flag_names(flags).join(" ")),
        Code::Modified(set) => format!("{} {set}", code.name()),
        Code::Referral(url) | Code::BadUrl(url) | Code::BadEvent(url) => {
            format!("{} {url}", code.name())
        }
        Code::NoUpdate(tag) => format!("{} \"{tag}\"", code.name()),
        Code::Metadata(m) => format!("{} {m}", code.name()),
        _ => code.name().to_string(),
    }
}

/// `a`/`an` before a response name as people say it: "an EXISTS", "a RECENT", "an OK".
/// Every IMAP response name is said as a word, so a vowel decides.
fn article(word: &str) -> &'static str {
    let vowel_sound = word
        .chars()
        .next()
        .is_some_and(|c| "AEIOU".contains(c.to_ascii_uppercase()));
    if vowel_sound {
        "an"
    } else {
        "a"
    }
}

fn describe_identity(identity: &Identity) -> String {
    match identity {
        Identity::Fetch(n) => format!("a FETCH response for message {n}"),
        Identity::Unreadable(_) => "a response the grammar could not read".into(),
        Identity::Expunge(_)
        | Identity::Status(..)
        | Identity::Mailbox(..)
        | Identity::Named(_) => {
            let shown = identity.to_string();
            format!("{} {shown} response", article(&shown))
        }
    }
}

fn bag_meanings(
    a: &Exchange,
    xs: &[usize],
    b: &Exchange,
    ys: &[usize],
    rules: &Rules,
) -> Vec<String> {
    let mut out = Vec::new();
    let identity_of = |e: &Exchange, i: usize| match &e.items[i].kind {
        Kind::Untagged { identity, .. } => Some(identity.clone()),
        _ => None,
    };
    // Exact matches first (a multiset), then what is left is paired by identity.
    let mut left_b: Vec<usize> = ys.to_vec();
    let mut left_a: Vec<usize> = Vec::new();
    for &x in xs {
        let key = a.items[x].lines.clone();
        match left_b.iter().position(|&y| b.items[y].lines == key) {
            Some(p) => {
                left_b.remove(p);
            }
            None => left_a.push(x),
        }
    }
    let mut order: Vec<Identity> = Vec::new();
    // By identity, each side's items apart: [0] the expected session's, [1] the other's.
    let mut by_id: HashMap<Identity, [Vec<usize>; 2]> = HashMap::new();
    for (side, (e, left)) in [(a, &left_a), (b, &left_b)].into_iter().enumerate() {
        for &x in left {
            // Bags hold untagged responses only, so every item has an identity.
            let Some(id) = identity_of(e, x) else {
                continue;
            };
            if !order.contains(&id) {
                order.push(id.clone());
            }
            by_id.entry(id).or_default()[side].push(x);
        }
    }
    for id in order {
        let [xs, ys] = &by_id[&id];
        for k in 0..xs.len().max(ys.len()) {
            match (xs.get(k), ys.get(k)) {
                (Some(&x), Some(&y)) => out.extend(untagged_pair_meaning(
                    &a.items[x],
                    &b.items[y],
                    false,
                    rules,
                )),
                (Some(_), None) => out.push(format!("{} is missing", describe_identity(&id))),
                (None, Some(_)) => out.push(format!(
                    "the server sent an extra {}",
                    strip_article(&describe_identity(&id))
                )),
                (None, None) => {}
            }
        }
    }
    out
}

fn strip_article(s: &str) -> &str {
    s.strip_prefix("an ")
        .or_else(|| s.strip_prefix("a "))
        .unwrap_or(s)
}

fn flag_names(flags: &[crate::grammar::core::Flag]) -> Vec<String> {
    flags.iter().map(|f| f.0.clone()).collect()
}

/// Flags in `a` that are not in `b` (case-insensitive, as flags are).
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    a.iter()
        .filter(|f| !b.iter().any(|g| g.eq_ignore_ascii_case(f)))
        .cloned()
        .collect()
}

fn untagged_pair_meaning(x: &Item, y: &Item, greeting: bool, rules: &Rules) -> Vec<String> {
    let px = parse_response(&x.message.grammar_text()).response;
    let py = parse_response(&y.message.grammar_text()).response;
    let mut out = Vec::new();
    let (Some(Response::Data(dx)), Some(Response::Data(dy))) = (px, py) else {
        out.push("a response differs".into());
        return out;
    };
    match (&dx, &dy) {
        (
            Data::Fetch {
                seq,
                attributes: ax,
            },
            Data::Fetch { attributes: ay, .. },
        ) => {
            out.extend(fetch_meanings(*seq, ax, ay, &x.message, &y.message, rules));
        }
        (Data::Exists(m), Data::Exists(n)) => {
            out.push(format!("EXISTS says {n} messages instead of {m}"))
        }
        (Data::Recent(m), Data::Recent(n)) => out.push(format!("RECENT says {n} instead of {m}")),
        (Data::Flags(fx), Data::Flags(fy)) => {
            let (fx, fy) = (flag_names(fx), flag_names(fy));
            out.extend(set_change("the mailbox's FLAGS", &fx, &fy));
        }
        (Data::Capability(cx), Data::Capability(cy)) => {
            out.extend(set_change("the capability list", cx, cy))
        }
        (Data::Search { numbers: nx, .. }, Data::Search { numbers: ny, .. }) => out.push(format!(
            "SEARCH found {} instead of {}",
            list_or_none(ny),
            list_or_none(nx)
        )),
        (
            Data::MailboxStatus {
                mailbox, items: ix, ..
            },
            Data::MailboxStatus { items: iy, .. },
        ) => {
            for (name, value) in ix {
                match iy.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some((_, v)) if v != value => out.push(format!(
                        "STATUS of {}: {name} is {v} instead of {value}",
                        mailbox.name
                    )),
                    None => out.push(format!("STATUS of {} lacks {name}", mailbox.name)),
                    _ => {}
                }
            }
            if out.is_empty() {
                out.push(format!("the STATUS of {} differs", mailbox.name));
            }
        }
        (
            Data::Status {
                status: sx,
                code: cx,
                text: tx,
            },
            Data::Status {
                status: sy,
                code: cy,
                text: ty,
            },
        ) => {
            let what = if greeting {
                "the greeting".to_string()
            } else {
                format!("the untagged {}", sx.name())
            };
            if sx != sy {
                out.push(format!("{what} is {} instead of {}", sy.name(), sx.name()));
            }
            if !same_code(rules, cx.as_ref(), cy.as_ref()) {
                out.extend(code_meanings(&what, cx.as_ref(), cy.as_ref()));
            }
            if norm(rules, tx, greeting) != norm(rules, ty, greeting) {
                out.push(format!("{what}'s text is \"{ty}\" instead of \"{tx}\""));
            }
        }
        _ => out.push(format!(
            "the {} response differs",
            strip_article(&describe_identity(&identity(&dx))).trim_end_matches(" response")
        )),
    }
    if out.is_empty() {
        out.push("a response differs".into());
    }
    out
}

fn code_value(code: &Code) -> String {
    let text = code_text(code);
    text.split_once(' ')
        .map_or(text.clone(), |(_, v)| v.to_string())
}

fn set_change(what: &str, a: &[String], b: &[String]) -> Vec<String> {
    let lost = missing_from(a, b);
    let gained = missing_from(b, a);
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(format!("lost {}", lost.join(" ")));
    }
    if !gained.is_empty() {
        parts.push(format!("gained {}", gained.join(" ")));
    }
    if parts.is_empty() {
        if a == b {
            return Vec::new();
        }
        return vec![format!("{what} is in another order")];
    }
    vec![format!("{what} {}", parts.join(" and "))]
}

fn fetch_meanings(
    seq: u32,
    ax: &[MessageAttribute],
    ay: &[MessageAttribute],
    mx: &Message,
    my: &Message,
    rules: &Rules,
) -> Vec<String> {
    let mut out = Vec::new();
    let key = |a: &MessageAttribute| match a {
        MessageAttribute::BodySection {
            section, origin, ..
        } => {
            format!(
                "BODY{section}{}",
                origin.map_or(String::new(), |o| format!("<{o}>"))
            )
        }
        other => other.name().to_string(),
    };
    for x in ax {
        let name = key(x);
        let Some(y) = ay.iter().find(|y| key(y) == name) else {
            out.push(format!("message {seq}'s FETCH lacks {name}"));
            continue;
        };
        if x == y {
            continue;
        }
        match (x, y) {
            (MessageAttribute::Flags(fx), MessageAttribute::Flags(fy)) => {
                let (fx, fy) = (flag_names(fx), flag_names(fy));
                let lost = missing_from(&fx, &fy);
                let gained = missing_from(&fy, &fx);
                if !lost.is_empty() {
                    out.push(format!("message {seq} lost {}", lost.join(" ")));
                }
                if !gained.is_empty() {
                    out.push(format!("message {seq} gained {}", gained.join(" ")));
                }
            }
            (MessageAttribute::Uid(u), MessageAttribute::Uid(v)) => {
                out.push(format!("message {seq} has UID {v} instead of {u}"))
            }
            (MessageAttribute::Rfc822Size(u), MessageAttribute::Rfc822Size(v)) => {
                out.push(format!("message {seq}'s RFC822.SIZE is {v} instead of {u}"))
            }
            (MessageAttribute::InternalDate(u), MessageAttribute::InternalDate(v)) => {
                if !rules.has(Rule::Dates) {
                    out.push(format!(
                        "message {seq}'s INTERNALDATE is \"{v}\" instead of \"{u}\""
                    ))
                }
            }
            (
                MessageAttribute::BodySection { data: dx, .. }
                | MessageAttribute::Rfc822(dx)
                | MessageAttribute::Rfc822Header(dx)
                | MessageAttribute::Rfc822Text(dx)
                | MessageAttribute::Binary { data: dx, .. },
                MessageAttribute::BodySection { data: dy, .. }
                | MessageAttribute::Rfc822(dy)
                | MessageAttribute::Rfc822Header(dy)
                | MessageAttribute::Rfc822Text(dy)
                | MessageAttribute::Binary { data: dy, .. },
            ) => {
                let size = |d: &Option<crate::grammar::core::ImapString>| {
                    d.as_ref().map_or(0, |s| s.bytes.len())
                };
                let sizes =
                    literal_size_meaning(&format!("message {seq}'s {name} literal"), mx, my);
                if sizes.is_empty() && size(dx) == size(dy) {
                    out.push(format!("message {seq}'s {name} differs (same length)"));
                } else if sizes.is_empty() {
                    out.push(format!(
                        "message {seq}'s {name} is {} bytes instead of {}",
                        size(dy),
                        size(dx)
                    ));
                } else {
                    out.extend(sizes);
                }
            }
            _ => out.push(format!("message {seq}'s {name} differs")),
        }
    }
    for y in ay {
        let name = key(y);
        if !ax.iter().any(|x| key(x) == name) {
            out.push(format!("message {seq}'s FETCH has an extra {name}"));
        }
    }
    out
}

/// "the literal is 12 bytes longer (457 bytes instead of 445)", from the sizes the
/// two messages announced on the wire, one literal at a time.
fn literal_size_meaning(what: &str, x: &Message, y: &Message) -> Vec<String> {
    let sx: Vec<u64> = x.literals().map(|l| l.header.size).collect();
    let sy: Vec<u64> = y.literals().map(|l| l.header.size).collect();
    let mut out = Vec::new();
    for (a, b) in sx.iter().zip(&sy) {
        if a != b {
            let (word, by) = if b > a {
                ("longer", b - a)
            } else {
                ("shorter", a - b)
            };
            let unit = if by == 1 { "byte" } else { "bytes" };
            out.push(format!(
                "{what} is {by} {unit} {word} ({b} bytes instead of {a})"
            ));
        }
    }
    if sx.len() != sy.len() {
        out.push(format!(
            "{what}: {} literals instead of {}",
            sy.len(),
            sx.len()
        ));
    }
    out
}
