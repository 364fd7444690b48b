# syntax=docker/dockerfile:1
#
# Kapacitor with the C# example UDFs.
#
#   docker build -t kapacitor-udf .              the final image: official Kapacitor + .NET runtime + the UDFs
#   docker build --target test .                 build and run the whole test suite
#
# Build arguments: DOTNET_VERSION (default 10.0), KAPACITOR_VERSION (default 1.8; use the Debian-based tags, not
# -alpine: the .NET runtime copied in below is built for glibc).

ARG DOTNET_VERSION=10.0
ARG KAPACITOR_VERSION=1.8

# ---- build: the SDK on the build machine's own architecture; publishing cross-targets below.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
COPY . .
RUN dotnet restore Kapacitor.Udf.sln
RUN dotnet build Kapacitor.Udf.sln -c Release --no-restore

# ---- test: the suite, as Kapacitor runs its own agents' examples inside its test suite.
FROM build AS test
RUN dotnet test Kapacitor.Udf.sln -c Release --no-build

# ---- publish: framework-dependent, ReadyToRun (fast start: Kapacitor spawns a UDF per task node and per start).
FROM build AS publish
ARG TARGETARCH
RUN case "${TARGETARCH}" in \
        amd64) rid=linux-x64 ;; \
        arm64) rid=linux-arm64 ;; \
        *) echo "unsupported architecture: ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && for udf in MovingAverage Outliers Mirror; do \
        dotnet publish "examples/${udf}" -c Release -r "${rid}" --self-contained false \
            -p:PublishReadyToRun=true -o "/out/udf/${udf}" || exit 1; \
    done

# ---- the .NET runtime, for the target architecture.
FROM mcr.microsoft.com/dotnet/runtime:${DOTNET_VERSION} AS dotnet-runtime

# ---- final: the official Debian/Ubuntu-based Kapacitor image (its entrypoint runs kapacitord as user kapacitor).
FROM kapacitor:${KAPACITOR_VERSION} AS final
# The runtime's native dependencies; no ICU: the UDFs run with invariant globalization.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libc6 libgcc-s1 libstdc++6 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
# kapacitord passes its environment to every UDF it starts, so the apphosts find the runtime here.
ENV DOTNET_ROOT=/usr/share/dotnet
COPY --from=publish /out/udf /opt/kapacitor-udf
COPY docker/kapacitor.conf /etc/kapacitor/kapacitor.conf
