import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step (cli/pom.xml, package phase, after shade and before the class-data sharing training): rewrites the
 * class files of the shaded jar that are older than Java 6 (major version below 50) as Java 8 class files with
 * stack map frames. Why: the JVM never puts such a class into a class-data sharing archive or an AOT cache once
 * it has been linked ("Skipping ...: Old class has been linked"), because it is verified by the old type-inferring
 * verifier. picocli is published as Java 5 class files, so its 175 classes were read and verified again from the
 * jar on every start of every command. The code is unchanged: only the version and the frames the new verifier
 * needs are written (ASM computes them). A class whose frames name a class the jar lacks (commons-logging's
 * Log4JLogger without log4j) cannot have its frames computed and is left as it is; it cannot be linked anyway.
 * Any other failure fails the build, naming the class, and leaves the jar as shade wrote it.
 *
 * <pre>java -cp asm.jar cli/src/build/UpliftOldClassFiles.java target/layercake.jar</pre>
 */
public final class UpliftOldClassFiles {

    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: UpliftOldClassFiles JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        // The jar is replaced only once every class is rewritten: a failure leaves it as shade wrote it.
        Path work = jar.resolveSibling(jar.getFileName() + ".uplift.tmp");
        Files.copy(jar, work, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        int rewrittenCount = 0;
        List<String> kept = new ArrayList<>();
        IllegalStateException failure = null;
        // Frames need the common superclass of two types: loaded from the jar itself, not from this JVM's classes.
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             FileSystem zip = FileSystems.newFileSystem(work, Map.of())) {
            List<Path> old = new ArrayList<>();
            try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
                for (Path p : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    if (majorVersion(Files.readAllBytes(p)) < JAVA_6) {
                        old.add(p);
                    }
                }
            }
            for (Path p : old) {
                byte[] rewritten;
                try {
                    rewritten = uplift(Files.readAllBytes(p), classes);
                } catch (TypeNotPresentException e) {
                    kept.add(p + " (names " + e.typeName() + ", not in the jar)");
                    continue;
                } catch (RuntimeException e) {
                    failure = new IllegalStateException("cannot rewrite " + p + " as a Java 8 class file: " + e, e);
                    break;
                }
                Files.write(p, rewritten);
                rewrittenCount++;
            }
        }
        if (failure != null) {
            // after the zip file system is closed: closing it writes the copy out again
            Files.deleteIfExists(work);
            throw failure;
        }
        Files.move(work, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("UpliftOldClassFiles: " + rewrittenCount + " class files older than Java 6 rewritten as Java 8 in "
                + jar.getFileName() + (kept.isEmpty() ? "" : "; left as they are: " + String.join(", ", kept)));
    }

    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] uplift(byte[] classFile, ClassLoader classes) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes;
            }
        };
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
