# syntax=docker/dockerfile:1
#
# Kapacitor with the C# example UDFs, as native executables.
#
#   docker build -t kapacitor-udf .              the final image: official Kapacitor + the native UDFs, no .NET runtime
#   docker build --target test .                 build and run the whole test suite
#   docker/e2e.sh                                build the image, run it, drive the moving-average task over HTTP
#
# Native AOT compiles and links for the machine it runs on, so everything builds on the target platform (no
# --platform=$BUILDPLATFORM: cross-compiling would need a cross linker and a sysroot). The build stage is Ubuntu 22.04
# "jammy", the base of the official kapacitor:1.8 image (buildpack-deps:jammy-curl), so the executables link against a
# glibc (2.35) no newer than the one they run on; the .NET 10 SDK images are Ubuntu 24.04 (glibc 2.39), so the SDK is
# copied out of one instead of building in it. Build argument: KAPACITOR_VERSION (default 1.8; the Ubuntu-based tags,
# not -alpine: the UDFs are linked against glibc).

ARG KAPACITOR_VERSION=1.8

# ---- the .NET SDK, only to copy from.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS dotnet-sdk

# ---- build: the SDK on jammy, with the native toolchain native AOT links with (gcc, binutils, libc headers).
FROM ubuntu:22.04 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates gcc libc6-dev libicu70 libssl3 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-sdk /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/local/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
COPY . .
RUN dotnet restore Kapacitor.Udf.sln
RUN dotnet build Kapacitor.Udf.sln -c Release --no-restore

# ---- test: the suite, as Kapacitor runs its own agents' examples inside its test suite.
FROM build AS test
RUN dotnet test Kapacitor.Udf.sln -c Release --no-build

# ---- publish: native executables (the examples' default publish), one per UDF, for this machine's architecture.
FROM build AS publish
RUN for udf in MovingAverage Outliers Mirror; do \
        dotnet publish "examples/${udf}" -c Release -o "/out/udf/${udf}" || exit 1; \
        rm -f "/out/udf/${udf}"/*.dbg; \
    done

# ---- final: the official Ubuntu-based Kapacitor image (its entrypoint runs kapacitord as user kapacitor) and the UDFs.
FROM kapacitor:${KAPACITOR_VERSION} AS final
COPY --from=publish /out/udf /opt/kapacitor-udf
COPY docker/kapacitor.conf /etc/kapacitor/kapacitor.conf
