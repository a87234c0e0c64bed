//! `anju generate`: a city or a province as roster files, to try Anju at
//! the size it serves and to measure it (BENCHMARKS.md).

use std::path::PathBuf;

use shared::round::Round;

use super::{CommandError, say, shell_lang};
use crate::demo::generate::{Size, generate};

/// `anju generate city|province --out DIR [--seed N] [--round 2026Q4]`
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// city: 37,400 households in 82 resettlement areas; province: twelve cities, 500,000.
    #[arg(value_enum)]
    pub size: Size,
    /// The folder to write `roster-001.csv`, … into; made if missing.
    #[arg(long)]
    pub out: PathBuf,
    /// The same seed makes the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The round the files' ledgers come before.
    #[arg(long, default_value = "2026Q4", value_parser = |raw: &str| Round::parse(raw).map_err(|e| e.to_string()))]
    pub round: Round,
}

pub fn run(args: &GenerateArgs) -> Result<String, CommandError> {
    let lang = shell_lang();
    let failed = |err: std::io::Error| {
        CommandError(say(
            lang,
            &format!("无法写入 {}：{err}", args.out.display()),
            &format!("cannot write into {}: {err}", args.out.display()),
        ))
    };
    std::fs::create_dir_all(&args.out).map_err(failed)?;
    let made = generate(args.size, args.seed, args.round, &args.out).map_err(failed)?;
    let (files, dir) = (made.files.len(), args.out.display());
    let (places, grids, households, people) =
        (made.places, made.grids, made.households, made.people);
    Ok(say(
        lang,
        &format!(
            "已写入 {files} 个名册文件到 {dir}：{places} 个地方（{grids} 个网格），{households} 户，{people} 人"
        ),
        &format!(
            "Wrote {files} roster files into {dir}: {places} places ({grids} grids), {households} households, {people} people"
        ),
    ))
}
