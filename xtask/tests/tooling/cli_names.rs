//! The generator names parameters and resources of the CLI around the
//! engine's own flags and commands: both must list the same ones, or a
//! parameter could take a flag the engine defines (a clash clap refuses).

#[test]
fn the_generator_reserves_exactly_the_flags_and_commands_the_cli_engine_defines() {
    assert_eq!(gapi_generator::resolve::commands::RESERVED_FLAGS, gapi_cli::RESERVED_FLAGS);
    assert_eq!(gapi_generator::resolve::commands::RESERVED_COMMANDS, gapi_cli::RESERVED_COMMANDS);
}
