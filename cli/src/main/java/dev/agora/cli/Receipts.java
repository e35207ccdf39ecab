package dev.agora.cli;

import dev.agora.chain.Receipt;
import dev.agora.core.AgoraNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writing the receipts of calls the command line made (issue 14). */
final class Receipts {

  private Receipts() {}

  /**
   * Writes {@code r}, completed by its inclusion proof, to {@code file}; false after an {@code
   * error:} line when there is none (receipts are off) or it cannot be written.
   */
  static boolean write(AgoraNode node, Receipt r, Path file, Main.Io io) {
    if (r == null) {
      io.err().println(OFF);
      return false;
    }
    try {
      Files.writeString(file, node.complete(r).json());
      return true;
    } catch (IOException e) {
      io.err().println("error: cannot write the receipt to " + file + ": " + BudgetOptions.why(e));
      return false;
    }
  }

  /**
   * Writes each receipt, completed by its inclusion proof (one checkpoint serves them all), to
   * {@code dir} as {@code NNNN-ACTION.json} in call order; false after an {@code error:} line.
   */
  static boolean writeAll(AgoraNode node, List<Receipt> receipts, Path dir, Main.Io io) {
    if (node.marketplace().receiptMode() == Receipt.Mode.OFF) {
      io.err().println(OFF);
      return false;
    }
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < receipts.size(); i++) {
        Receipt r = receipts.get(i);
        Path file = dir.resolve(String.format("%04d-%s.json", i + 1, r.action()));
        Files.writeString(file, node.complete(r).json());
      }
      return true;
    } catch (IOException e) {
      io.err().println("error: cannot write the receipts to " + dir + ": " + BudgetOptions.why(e));
      return false;
    }
  }

  private static final String OFF =
      "error: receipts are off (receipts.mode: off in agora.yaml); no receipt was written";
}
