//! `publish:` of a network or connector: what the `tago-io/decoders` repository needs,
//! checked where the YAML says it: SemVer versions, folder names that stay folder names, and
//! PNG images of the sizes the repository's README gives.

use super::{key, node_at};
use crate::config::convert::Context;
use crate::config::diagnostic::Diagnostic;
use crate::config::locate::{error_at, origin};
use crate::config::model::{Image, ImageRole, Publish, Version};
use crate::config::{scripts, wire};

/// Largest image file read: catalog images are small.
const MAX_IMAGE_BYTES: u64 = 2 * 1024 * 1024;
/// The repository's limit on a description (`src/validator/*.ts`: `max(500)`).
pub const MAX_DESCRIPTION_CHARS: usize = 500;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A connector's `publish:`, each field checked where the YAML says it. Kept after a
/// reported error (the configuration is then not valid) so that rules know it is published.
pub fn connector(
    cx: &Context<'_>,
    publish: Option<wire::ConnectorPublish>,
    description: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Publish> {
    let publish = publish?;
    for (field, value) in [
        ("manufacturer", &publish.manufacturer),
        ("model", &publish.model),
    ] {
        if !is_folder_name(value) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node_at(cx, &[key("publish"), key(field)]),
                    format!("`publish.{field}` must be a folder name of the repository, not `{}`", crate::text::visible(value)),
                )
                .with_help("use lowercase letters, digits and `-` (e.g. `northwind`, `th-sensor`): it becomes decoders/connector/<manufacturer>/<model>"),
            );
        }
    }
    let version = version(cx, &publish.version, diagnostics);
    let logo = image(
        cx,
        "logo_file",
        &publish.logo_file,
        ImageRole::Logo,
        &[(443, 443), (443, 625)],
        diagnostics,
    );
    let folders = Some((publish.manufacturer, publish.model));
    let texts = (publish.description_file, publish.message);
    let images = logo.into_iter().collect();
    let mut request = request(
        cx,
        folders,
        version,
        images,
        texts,
        description,
        diagnostics,
    );
    request.update_existing = publish.update_existing;
    Some(request)
}

/// A network's `publish:`, as [`connector`] does.
pub fn network(
    cx: &Context<'_>,
    publish: Option<wire::NetworkPublish>,
    description: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Publish> {
    let publish = publish?;
    let version = version(cx, &publish.version, diagnostics);
    let mut images = Vec::new();
    let wanted = [
        (
            "logo_file",
            Some(&publish.logo_file),
            ImageRole::Logo,
            (443, 160),
        ),
        (
            "icon_file",
            publish.icon_file.as_ref(),
            ImageRole::Icon,
            (64, 64),
        ),
        (
            "banner_file",
            publish.banner_file.as_ref(),
            ImageRole::Banner,
            (1500, 375),
        ),
    ];
    for (field, file, role, size) in wanted {
        if let Some(file) = file {
            images.extend(image(cx, field, file, role, &[size], diagnostics));
        }
    }
    let texts = (publish.description_file, publish.message);
    let mut request = request(cx, None, version, images, texts, description, diagnostics);
    request.update_existing = publish.update_existing;
    Some(request)
}

/// Both kinds' request, with its catalog description: `description_file`, else the object's
/// `description` (`fallback`). After a reported error the configuration is not valid and
/// nothing uses this value: it is kept so that the rules still know the object is to be
/// published.
fn request(
    cx: &Context<'_>,
    folders: Option<(String, String)>,
    version: Option<Version>,
    images: Vec<Image>,
    (description_file, message): (Option<String>, Option<String>),
    fallback: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Publish {
    let description = description(cx, description_file.as_deref(), fallback, diagnostics);
    Publish {
        folders,
        version: version.unwrap_or(Version::FIRST),
        images,
        description: description.flatten(),
        message,
        update_existing: false,
        origin: origin_of(cx),
    }
}

fn origin_of(cx: &Context<'_>) -> crate::config::Origin {
    let node = crate::config::locate::entry(cx.node, "publish").map_or(cx.node, |e| &e.key);
    origin(cx.file, node)
}

/// Lowercase ASCII letters and digits in `-`-separated runs: never `.`, `/` or `..`.
pub fn is_folder_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn version(cx: &Context<'_>, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Version> {
    let version = Version::parse(text);
    if version.is_none() {
        diagnostics.push(
            error_at(
                cx.file,
                node_at(cx, &[key("publish"), key("version")]),
                format!(
                    "`publish.version` must be a SemVer version such as `v1.0.0`, not `{}`",
                    crate::text::visible(text)
                ),
            )
            .with_help("the repository's version folders are `v<major>.<minor>.<patch>`"),
        );
    }
    version
}

fn image(
    cx: &Context<'_>,
    field: &str,
    relative: &str,
    role: ImageRole,
    sizes: &[(u32, u32)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Image> {
    let node = node_at(cx, &[key("publish"), key(field)]);
    let problem = match scripts::read_confined(cx, relative, "image file", MAX_IMAGE_BYTES) {
        Err(problem) => problem,
        Ok((file, bytes)) => match png_dimensions(&bytes) {
            Err(why) => (
                format!("image file `{relative}` cannot be used: {why}"),
                "the repository's catalog images are PNG files (transparent background)".to_owned(),
            ),
            Ok((width, height)) if sizes.contains(&(width, height)) => {
                return Some(Image {
                    role,
                    file,
                    width,
                    height,
                    origin: origin(cx.file, node),
                })
            }
            Ok((width, height)) => {
                let wanted: Vec<String> = sizes.iter().map(|(w, h)| format!("{w}x{h}")).collect();
                (
                    format!(
                        "the {} `{relative}` is {width}x{height} pixels",
                        role.as_str()
                    ),
                    format!("the repository's README asks for {}", wanted.join(" or ")),
                )
            }
        },
    };
    diagnostics.push(error_at(cx.file, node, problem.0).with_help(problem.1));
    None
}

/// The most bytes an image may decode to: 2 MiB of PNG can hold gigabytes of pixels.
const MAX_DECODED_BYTES: usize = 16 * 1024 * 1024;

/// Width and height of a PNG, decoded in full: signature, chunks and their CRCs, the
/// compressed pixels, and a decoded size of at most 16 MiB. A header alone,
/// a bad CRC or a bomb of zeros is refused, with what is wrong.
pub fn png_dimensions(bytes: &[u8]) -> Result<(u32, u32), String> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err("it is not a PNG".to_owned());
    }
    let limits = png::Limits {
        bytes: MAX_DECODED_BYTES,
    };
    let decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    let broken = |e: png::DecodingError| format!("it is not a valid PNG ({e})");
    let mut reader = decoder.read_info().map_err(broken)?;
    let (width, height) = reader.info().size();
    let size = reader
        .output_buffer_size()
        .filter(|size| *size <= MAX_DECODED_BYTES)
        .ok_or_else(|| {
            format!(
                "its {width}x{height} pixels decode to more than {} MiB",
                MAX_DECODED_BYTES / (1024 * 1024)
            )
        })?;
    let mut pixels = vec![0; size];
    reader.next_frame(&mut pixels).map_err(broken)?;
    reader.finish().map_err(broken)?;
    Ok((width, height))
}

/// The catalog's description: the file's text, else the object's `description`; at most
/// [`MAX_DESCRIPTION_CHARS`]. `Some(None)`: none at all.
fn description(
    cx: &Context<'_>,
    file: Option<&str>,
    fallback: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Option<String>> {
    let (text, node) = match file {
        Some(relative) => {
            let node = node_at(cx, &[key("publish"), key("description_file")]);
            match scripts::read_confined(cx, relative, "description file", MAX_IMAGE_BYTES) {
                Ok((_, bytes)) => match String::from_utf8(bytes) {
                    Ok(text) => (text, node),
                    Err(_) => {
                        diagnostics.push(
                            error_at(
                                cx.file,
                                node,
                                format!("description file `{relative}` is not UTF-8 text"),
                            )
                            .with_help("save it as UTF-8 markdown"),
                        );
                        return None;
                    }
                },
                Err((message, help)) => {
                    diagnostics.push(error_at(cx.file, node, message).with_help(help));
                    return None;
                }
            }
        }
        None => match fallback {
            Some(text) => (text.to_owned(), node_at(cx, &[key("description")])),
            None => return Some(None),
        },
    };
    let length = text.chars().count();
    if length > MAX_DESCRIPTION_CHARS {
        diagnostics.push(
            error_at(cx.file, node, format!("the catalog's description has {length} characters, more than the repository's {MAX_DESCRIPTION_CHARS}"))
                .with_help("shorten it: the catalog shows it as a summary; details go in `install_text`"),
        );
        return None;
    }
    Some(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_cannot_climb_or_nest() {
        for good in ["northwind", "th-sensor", "em300-th2"] {
            assert!(is_folder_name(good), "{good}");
        }
        for bad in [
            "", "../x", "a/b", "A", "a--b", "-a", "a-", ".", "a.b", "a b",
        ] {
            assert!(!is_folder_name(bad), "{bad}");
        }
    }

    /// A real image of 443x160 (the multi-customer example's network logo), read at run time
    /// so that builds of the program need nothing outside `src/`.
    fn logo() -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/multi-customer/publish/lorawan-logo.png");
        std::fs::read(path).unwrap()
    }

    /// A PNG of `width` x `height` grey pixels, all zero, made with the PNG encoder.
    fn zeros(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            writer
                .write_image_data(&vec![0; (width * height) as usize])
                .unwrap();
        }
        out
    }

    #[test]
    fn an_image_is_decoded_in_full_not_judged_by_its_header() {
        let logo = logo();
        assert_eq!(png_dimensions(&logo), Ok((443, 160)));
        assert_eq!(
            png_dimensions(b"GIF89a........................"),
            Err("it is not a PNG".to_owned())
        );
        // The signature and the header chunk alone (33 bytes).
        let header = png_dimensions(&logo[..33]).unwrap_err();
        assert!(header.starts_with("it is not a valid PNG"), "{header}");
        // One bit of the header's CRC changed.
        let mut bad_crc = logo.clone();
        bad_crc[29] ^= 1;
        let crc = png_dimensions(&bad_crc).unwrap_err();
        assert!(crc.starts_with("it is not a valid PNG"), "{crc}");
        // A few KiB of compressed zeros that decode to 20 MB.
        let bomb = zeros(5_000, 4_000);
        assert!(bomb.len() < MAX_IMAGE_BYTES as usize, "{}", bomb.len());
        assert_eq!(
            png_dimensions(&bomb),
            Err("its 5000x4000 pixels decode to more than 16 MiB".to_owned())
        );
        assert_eq!(png_dimensions(&zeros(64, 64)), Ok((64, 64)));
    }
}
