package com.procledger.api;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Dependencies point one way: api -> projections -> domain and api -> infra -> domain. */
@AnalyzeClasses(packages = "com.procledger", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

    @ArchTest
    static final ArchRule domainIsPlainJava = noClasses().that().resideInAPackage("com.procledger.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "com.procledger.api..",
                    "com.procledger.infra..", "com.procledger.projections..");

    @ArchTest
    static final ArchRule projectionsKnowOnlyTheDomain = noClasses().that().resideInAPackage("com.procledger.projections..")
            .should().dependOnClassesThat().resideInAnyPackage("com.procledger.api..", "com.procledger.infra..");

    @ArchTest
    static final ArchRule infraKnowsOnlyTheDomain = noClasses().that().resideInAPackage("com.procledger.infra..")
            .should().dependOnClassesThat().resideInAnyPackage("com.procledger.api..", "com.procledger.projections..");
}
