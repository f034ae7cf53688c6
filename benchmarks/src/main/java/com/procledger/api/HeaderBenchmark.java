package com.procledger.api;

import com.procledger.api.http.HeaderValues;
import com.procledger.api.identity.BearerTokens;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;

/**
 * What finding a request's bearer token and checking its header value cost (ADR 0031): Spring Security's resolver
 * and firewall check against ours, on a header with a token as long as the service's, alternating A B B A in
 * rounds of a million calls each; prints nanoseconds per call, medians and their ratio.
 */
public final class HeaderBenchmark {

    private static volatile Object sink;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        byte[] bytes = new byte[600];
        new Random(1).nextBytes(bytes);
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String token = b64.substring(0, 36) + "." + b64.substring(36, 458) + "." + b64.substring(458, 800);
        String header = "Bearer " + token;
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(HeaderBenchmark.class.getClassLoader(),
                new Class<?>[]{HttpServletRequest.class}, (proxy, method, arguments) ->
                        method.getName().equals("getHeader") && "Authorization".equals(arguments[0]) ? header : null);
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; an Authorization header of %d characters%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), header.length());
        compare("bearer token", rounds, resolving(new DefaultBearerTokenResolver(), request),
                resolving(new BearerTokens(), request));
        compare("header value", rounds, checking(StrictHttpFirewall.ALLOWED_HEADER_VALUES, header),
                checking(HeaderValues.ALLOWED, header));
    }

    private static Runnable resolving(BearerTokenResolver resolver, HttpServletRequest request) {
        return () -> sink = resolver.resolve(request);
    }

    private static Runnable checking(Predicate<String> allowed, String value) {
        return () -> sink = allowed.test(value);
    }

    private static void compare(String what, int rounds, Runnable spring, Runnable ours) {
        time(spring, 200_000);
        time(ours, 200_000); // warm-up
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            boolean springFirst = r % 2 == 0;
            double first = time(springFirst ? spring : ours, 1_000_000);
            double second = time(springFirst ? ours : spring, 1_000_000);
            a.add(springFirst ? first : second);
            b.add(springFirst ? second : first);
            System.out.printf(Locale.ROOT, "  %s, round %d: Spring %.0f ns, ours %.0f ns per call%n", what, r + 1,
                    a.getLast(), b.getLast());
        }
        double springMedian = median(a);
        double oursMedian = median(b);
        System.out.printf(Locale.ROOT, "%s: median Spring %.0f ns, ours %.0f ns per call (Spring / ours %.1f)%n", what,
                springMedian, oursMedian, springMedian / oursMedian);
    }

    private static double time(Runnable call, int times) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / (double) times;
    }

    private static double median(List<Double> values) {
        var sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
