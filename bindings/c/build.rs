//! Gives the shared library its SONAME, `libutklar.so.<major>`: programs linked against
//! `libutklar.so` record `libutklar.so.0` and keep working when `make install` replaces
//! `libutklar.so.0.x.y` with a compatible later version. (Only the cdylib gets the flag; the
//! static library and the rlib are unaffected.)

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libutklar.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
