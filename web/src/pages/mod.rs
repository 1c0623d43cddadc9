//! The app's pages: the two estimate pages in this module, the rest in the deferred module.

pub mod example;
pub mod results;
pub mod serving;
pub mod training;

/// A page of the app, and its name in links (`?page=serving`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Page {
    Training,
    Serving,
    Catalog,
    Compare,
    Optimize,
    Accuracy,
}

impl Page {
    /// The page a name (`?page=serving`, the deferred module's `mount`) stands for.
    pub fn parse(name: &str) -> Option<Page> {
        Self::ALL.into_iter().find(|page| page.name() == name)
    }

    pub const ALL: [Page; 6] = [
        Page::Training,
        Page::Serving,
        Page::Catalog,
        Page::Compare,
        Page::Optimize,
        Page::Accuracy,
    ];

    /// The pages in the deferred module, in the order of its hosts.
    pub const DEFERRED: [Page; 4] = [Page::Catalog, Page::Compare, Page::Optimize, Page::Accuracy];

    pub fn name(self) -> &'static str {
        match self {
            Page::Training => "training",
            Page::Serving => "serving",
            Page::Catalog => "catalog",
            Page::Compare => "compare",
            Page::Optimize => "optimize",
            Page::Accuracy => "accuracy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Page::Training => "Training",
            Page::Serving => "Serving",
            Page::Catalog => "Catalog",
            Page::Compare => "Compare",
            Page::Optimize => "Optimize",
            Page::Accuracy => "Accuracy",
        }
    }
}
