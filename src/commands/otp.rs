//! `tagoform otp`: ask TagoIO to send a two-factor code by SMS or e-mail.

use crate::environment::{Environment, TAGOIO_EMAIL, TAGOIO_OTP_TYPE, TAGOIO_PASSWORD};
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::reconcile::runtime;
use super::session as local;
use super::settings::otp_type;
use crate::api::types::{LoginOtpRequest, OtpType};
use crate::api::ApiSettings;
use crate::cli::OtpArgs;

pub fn run(args: &OtpArgs, env: &Environment) -> anyhow::Result<ExitCode> {
    let otp_type = otp_type(env.get(TAGOIO_OTP_TYPE))?;
    if otp_type == OtpType::Authenticator {
        bail!(
            "TAGOIO_OTP_TYPE is `authenticator` (the default): an authenticator code is not sent, \
             read it in the app; set TAGOIO_OTP_TYPE=sms or email to have TagoIO send one"
        );
    }
    let (Some(email), Some(password)) = (env.get(TAGOIO_EMAIL), env.get(TAGOIO_PASSWORD)) else {
        bail!("set TAGOIO_EMAIL and TAGOIO_PASSWORD: TagoIO sends the code to that account");
    };
    let settings = ApiSettings::resolve(&args.api.flags(), |name| env.get(name))?;
    let directory = std::env::current_dir().context("cannot read the current directory")?;
    runtime()?.block_on(async {
        let session = local::open(&settings, &directory, |builder| builder)
            .await
            .context("cannot open the TagoIO API")?;
        let request = LoginOtpRequest {
            email,
            password: password.into(),
            otp_type,
        };
        let sent = session.client.login_otp(&request).await;
        session.finish().await?;
        sent.context("TagoIO did not send a code")?;
        eprintln!(
            "TagoIO sent a code by {}: set TAGOIO_PIN to it (and keep TAGOIO_OTP_TYPE) and run \
             the command again",
            match otp_type {
                OtpType::Sms => "SMS",
                _ => "e-mail",
            }
        );
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
