namespace Kapacitor.Udf.Simulator.Input;

// Opens a recording and tells its kind from its first bytes: gzip is a stream recording, zip a batch recording,
// whatever the file is named (Kapacitor names them <id>.srpl and <id>.brpl).
internal static class Recording
{
    public static SimulatorInput Open(string path, int? source)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            var length = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            if (length >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                if (source is not null)
                {
                    throw new RecordingException($"{path} is a stream recording (gzip): a source applies only to batch recordings (.brpl)");
                }

                return new StreamRecordingInput(file);
            }

            if (length == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] is 3 or 5 && magic[3] is 4 or 6)
            {
                return BatchRecordingInput.Open(file, path, source);
            }

            throw new RecordingException($"{path} is not a Kapacitor recording: expected a stream recording (.srpl, gzip) or a batch recording (.brpl, zip)");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
