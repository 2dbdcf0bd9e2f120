//! One module per routed page.

pub mod how_it_works;
pub mod landing;
pub mod login;
pub mod not_found;
pub mod privacy;
pub mod profile;
pub mod register;
