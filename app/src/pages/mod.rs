//! One module per routed page.

pub mod how_it_works;
pub mod landing;
pub mod not_found;
