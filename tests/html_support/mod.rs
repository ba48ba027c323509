//! A page of the HTML view as a list of elements, parsed as XML (quick-xml): the
//! page must be well-formed, so any `<` or `&` that came from the input unescaped
//! fails the parse, and any markup it smuggled in shows up as an element.
#![allow(dead_code)] // each test file uses a different part

use quick_xml::events::Event;
use quick_xml::Reader;

/// One element: its name, attributes, and all the text inside it (entities decoded).
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split(' ').any(|x| x == class))
    }
}

/// Every element of the page, in document order. Panics on a page that is not
/// well-formed.
pub fn parse(page: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(page);
    reader.config_mut().trim_text(false);
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader.read_event().unwrap_or_else(|e| {
            panic!("not well-formed at byte {}: {e}", reader.buffer_position())
        });
        let text = match event {
            Event::Start(e) => {
                elements.push(element(&e));
                open.push(elements.len() - 1);
                None
            }
            Event::Empty(e) => {
                elements.push(element(&e));
                None
            }
            Event::End(_) => {
                open.pop();
                None
            }
            Event::Text(t) => Some(t.decode().expect("text").into_owned()),
            Event::CData(t) => Some(String::from_utf8_lossy(&t).into_owned()),
            Event::GeneralRef(r) => {
                let name = r.decode().expect("an entity").into_owned();
                Some(match name.as_str() {
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "amp" => "&".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => r
                        .resolve_char_ref()
                        .expect("a character reference")
                        .unwrap_or_else(|| panic!("unknown entity &{name};"))
                        .to_string(),
                })
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(text) = text {
            for &i in &open {
                elements[i].text.push_str(&text);
            }
        }
    }
    assert!(open.is_empty(), "unclosed elements at the end");
    elements
}

fn element(e: &quick_xml::events::BytesStart) -> Element {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("an attribute");
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("an attribute value")
                    .into_owned(),
            )
        })
        .collect();
    Element {
        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        attrs,
        text: String::new(),
    }
}
