//! Local documents (issue 36): an authority's forms, leaflets and local
//! procedures under `local-overrides/<slug>/documents/`, each with a
//! description beside it. `check` applies a document library's sign-off
//! rules to each; an edition lists them by topic on its "Local documents"
//! page, copies them under `documents/`, links `[[doc:id]]` to them, and
//! finds them by search.

mod common;

use std::path::Path;

use common::files::{docx, pdf};
use common::*;

/// The demonstration councils' documents: where each is, its title, and
/// its paragraphs. They are made by [`pdf`]; the test
/// `the_demonstration_documents_are_the_ones_written_here` checks the
/// files in the repository are these, and writes them again when run with
/// `HANDBOOK_WRITE_DOCUMENTS=1`.
const DEMONSTRATION: &[(&str, &str, &[&str])] = &[
    (
        "local-overrides/exampleshire/documents/carers-leaflet.pdf",
        "Support for carers: a leaflet",
        &[
            "Exampleshire County Council is a fictional council, made up to show how a council can publish its documents with Handbook. This leaflet is a demonstration: its teams and telephone numbers do not exist.",
            "If you look after someone who could not manage without your help, you are a carer. Under the Care Act 2014, you have the right to ask the council for a carer's assessment, whatever help you give and whatever your income.",
            "A carer's assessment is a conversation about what caring means for you: your health, your work, your rest and what you want for your own life. It can lead to support for you, as well as for the person you care for.",
            "To ask for a carer's assessment, contact the Adult Social Care Contact Centre on 01632 960100, Monday to Friday, 8am to 6pm, or email adultcare@exampleshire.example.",
        ],
    ),
    (
        "local-overrides/exampleshire/documents/who-to-call.pdf",
        "Who to call: adult social care",
        &[
            "Exampleshire County Council is a fictional council, made up to show how a council can publish its documents with Handbook. The teams and numbers on this card do not exist.",
            "Adult Social Care Contact Centre: 01632 960100, Monday to Friday, 8am to 6pm. For information and advice, and to ask for a needs assessment or a carer's assessment.",
            "Safeguarding Adults Team: 01632 960200, Monday to Friday, 9am to 5pm. To raise a concern that an adult is being abused or neglected.",
            "Emergency Duty Team: 01632 960500, from 5pm on weekdays until 9am, and all day at weekends and on bank holidays.",
            "If someone is in immediate danger, call 999.",
        ],
    ),
    (
        "local-overrides/kinloch-vale/documents/sds-options-leaflet.pdf",
        "The four self-directed support options",
        &[
            "Kinloch Vale Council is a fictional council, made up to show how a Scottish council can publish its documents with Handbook. This leaflet is a demonstration: its teams and telephone numbers do not exist.",
            "The Social Care (Self-directed Support) (Scotland) Act 2013 says that a child or family who is eligible for support must be offered four options for how that support is arranged.",
            "Option 1: a direct payment, which the family uses to arrange the support themselves. Option 2: the family chooses the support, and the council or another organisation arranges it. Option 3: the council chooses and arranges the support. Option 4: a mix of the other options.",
            "To talk about the options, contact the Children's Self-directed Support Team on 01632 960140, Monday to Friday, 9am to 4.30pm, or email childrens.sds@kinlochvale.example.",
        ],
    ),
    (
        "local-overrides/kinloch-vale/documents/who-to-call.pdf",
        "Who to call: children and families social work",
        &[
            "Kinloch Vale Council is a fictional council, made up to show how a Scottish council can publish its documents with Handbook. The teams and numbers on this card do not exist.",
            "Children and Families Social Work Duty Team: 01632 960110, Monday to Thursday, 8.45am to 4.45pm; Friday, 8.45am to 3.55pm. New referrals, and any worry that a child may be at risk of harm.",
            "Social Work Out of Hours Service: 01632 960199, outside office hours, and all day at weekends and on public holidays.",
            "If a child is in immediate danger, call 999.",
        ],
    ),
];

#[test]
fn the_demonstration_documents_are_the_ones_written_here() {
    for (path, title, paragraphs) in DEMONSTRATION {
        let made = pdf(title, None, paragraphs);
        let path = repo().join(path);
        if std::env::var_os("HANDBOOK_WRITE_DOCUMENTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &made).unwrap();
        }
        let shipped = std::fs::read(&path).unwrap_or_default();
        assert!(
            shipped == made,
            "{} is not the document this test makes: run it with HANDBOOK_WRITE_DOCUMENTS=1 to write it again",
            path.display()
        );
        // Every demonstration document says that its council is made up.
        assert!(paragraphs[0].contains("is a fictional council"));
    }
}
