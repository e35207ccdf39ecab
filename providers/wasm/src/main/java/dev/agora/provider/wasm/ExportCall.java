package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.rtfs.Value;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * One call through the export-function ABI (docs/WASM.md): the input's JSON goes into the guest at
 * {@code alloc(len)}, {@code f(ptr, len)} returns {@code ptr << 32 | len} of its JSON result. Every
 * pointer and length the guest gives is checked against its memory before it is read, and the
 * result against {@code max_output_bytes}.
 */
final class ExportCall {

  private ExportCall() {}

  static Value run(String id, Instance instance, String function, Value input, int maxOutput) {
    byte[] in = Json.write(input).getBytes(StandardCharsets.UTF_8);
    Memory memory = instance.memory();
    int ptr = (int) instance.export("alloc").apply(in.length)[0];
    checkRegion(id, memory, ptr, in.length, "alloc(" + in.length + ") returned");
    memory.write(ptr, in);
    long span = instance.export(function).apply(ptr, in.length)[0];
    int outPtr = (int) (span >>> 32);
    int outLen = (int) span;
    if (Integer.toUnsignedLong(outLen) > maxOutput) {
      throw new AgoraError.LimitExceeded(
          id,
          "its WASM result is "
              + Integer.toUnsignedLong(outLen)
              + " bytes, more than max_output_bytes: "
              + maxOutput);
    }
    checkRegion(id, memory, outPtr, outLen, "'" + function + "' returned");
    return decode(id, memory.readBytes(outPtr, outLen));
  }

  /** The region [ptr, ptr + len) lies inside memory, or a ProviderError saying what did not. */
  static void checkRegion(String id, Memory memory, int ptr, int len, String what) {
    long size = (long) memory.pages() * Memory.PAGE_SIZE;
    boolean inside;
    try {
      inside = ptr >= 0 && len >= 0 && Math.addExact(ptr, len) <= size;
    } catch (ArithmeticException e) {
      inside = false;
    }
    if (!inside) {
      throw new AgoraError.ProviderError(
          id,
          what
              + " the region at "
              + Integer.toUnsignedString(ptr)
              + " of "
              + Integer.toUnsignedString(len)
              + " bytes, outside the module's "
              + size
              + " bytes of memory",
          null);
    }
  }

  /** Strict UTF-8, then JSON: anything else is the guest's error. */
  static Value decode(String id, byte[] out) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(out))
              .toString();
      return Json.parse(text);
    } catch (CharacterCodingException e) {
      throw new AgoraError.ProviderError(id, "its WASM result is not valid UTF-8", e);
    } catch (JsonException e) {
      throw new AgoraError.ProviderError(id, "its WASM result is not JSON: " + e.getMessage(), e);
    }
  }
}
