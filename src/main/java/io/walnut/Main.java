package io.walnut;

public final class Main {
    public static void main(String[] args) {
        System.out.println("walnut");
    }
}
